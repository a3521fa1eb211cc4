package io.kuradps.runtime.support.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.eclipse.kura.KuraErrorCode;
import org.eclipse.kura.KuraException;
import org.junit.jupiter.api.Test;

class DemoCryptoServiceTest {

    private static final String SECRET = "DfWFmJ5PfKyneA3UOtnHVcjBwxxBnlN3n+ANQ5VWj5g=";

    private final DemoCryptoService crypto = new DemoCryptoService();

    DemoCryptoServiceTest() throws Exception {
    }

    @Test
    void decryptsWhatItEncryptedInKurasTextForm() throws KuraException {
        String encrypted = new String(this.crypto.encryptAes(SECRET.toCharArray()));

        assertThat(encrypted).matches("[A-Za-z0-9+/=]+-[A-Za-z0-9+/=]+").doesNotContain(SECRET);
        assertThat(new String(this.crypto.decryptAes(encrypted.toCharArray()))).isEqualTo(SECRET);
    }

    @Test
    void encryptingTwiceGivesDifferentTexts() throws KuraException {
        assertThat(new String(this.crypto.encryptAes(SECRET.toCharArray())))
                .isNotEqualTo(new String(this.crypto.encryptAes(SECRET.toCharArray())));
    }

    @Test
    void plainValueIsRefusedWithoutBeingQuoted() {
        assertThatThrownBy(() -> this.crypto.decryptAes(SECRET.toCharArray()))
                .isInstanceOf(KuraException.class)
                .satisfies(e -> assertThat(((KuraException) e).getCode()).isEqualTo(KuraErrorCode.DECODER_ERROR))
                .message().doesNotContain(SECRET);
    }

    @Test
    void valueFromAnotherKeyIsRefused() throws Exception {
        char[] foreign = new DemoCryptoService().encryptAes(SECRET.toCharArray());

        assertThatThrownBy(() -> this.crypto.decryptAes(foreign)).isInstanceOf(KuraException.class)
                .hasMessageContaining("not encrypted by this CryptoService");
    }
}
