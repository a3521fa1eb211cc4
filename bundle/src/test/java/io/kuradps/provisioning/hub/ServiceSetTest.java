package io.kuradps.provisioning.hub;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.eclipse.kura.configuration.ConfigurationService;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Constants;

class ServiceSetTest {

    private final ServiceSet<String> services = new ServiceSet<>();

    @Test
    void aTargetSelectsByTheReferencesPropertiesBestRankedFirst() throws Exception {
        services.bound("old", KuraFakes.reference(properties("ssl", 0)));
        services.bound("new", KuraFakes.reference(properties("ssl", 0)));
        services.bound("ranked", KuraFakes.reference(properties("ssl", 5)));
        services.bound("other", KuraFakes.reference(properties("keystore", 9)));

        assertThat(names(services.matching("(kura.service.pid=ssl)"))).containsExactly("ranked", "old", "new");
        assertThat(services.withKuraServicePid("ssl")).hasValueSatisfying(e -> assertThat(e.service)
                .isEqualTo("ranked"));
        services.unbound("ranked");
        assertThat(names(services.matching("(&(kura.service.pid=ssl)(service.ranking<=0))")))
                .containsExactly("old", "new");
    }

    @Test
    void eachUpdateIsCountedAndAWaitEndsOnTheConditionOrTheBound() throws Exception {
        services.bound("transport", KuraFakes.reference(properties("t", 0)));
        services.updated("transport", KuraFakes.reference(properties("t", 0)));

        assertThat(services.await(e -> e.updates == 1, Duration.ZERO)).isPresent();
        assertThat(services.await(e -> e.updates == 2, Duration.ZERO)).isEmpty();
    }

    private static List<String> names(List<ServiceSet.Entry<String>> entries) {
        return entries.stream().map(e -> e.service).collect(Collectors.toList());
    }

    private static Map<String, Object> properties(String pid, int ranking) {
        Map<String, Object> properties = new HashMap<>();
        properties.put(ConfigurationService.KURA_SERVICE_PID, pid);
        properties.put(Constants.SERVICE_RANKING, ranking);
        return properties;
    }
}
