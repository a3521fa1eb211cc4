package io.kuradps.runtime.support.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;

import org.eclipse.kura.KuraErrorCode;
import org.eclipse.kura.KuraException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoCryptoServiceTest {

    private static final String SECRET = "DfWFmJ5PfKyneA3UOtnHVcjBwxxBnlN3n+ANQ5VWj5g=";
    private static final String CACERTS = "/opt/eclipse/kura/user/security/cacerts.ks";

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

    @Test
    void hashesAndEncodesAsKuraDoes() throws Exception {
        // Kura answers Base64 of the digest of the UTF-8 bytes; these are SHA-1 and SHA-256 of "abc".
        assertThat(this.crypto.sha1Hash("abc")).isEqualTo("qZk+NkcGgWq6PiVxeFDCbJzQ2J0=");
        assertThat(this.crypto.sha256Hash("abc")).isEqualTo("ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=");
        assertThat(this.crypto.encodeBase64("grüße")).isEqualTo("Z3LDvMOfZQ==");
        assertThat(this.crypto.decodeBase64("Z3LDvMOfZQ==")).isEqualTo("grüße");
        assertThat(this.crypto.encodeBase64(null)).isNull();
        assertThat(this.crypto.isFrameworkSecure()).isFalse();
    }

    @Test
    void keepsKeystorePasswordsAsKuraDoesChangeitUntilAnyIsKept() throws Exception {
        assertThat(this.crypto.getKeyStorePassword(CACERTS)).containsExactly("changeit".toCharArray());

        this.crypto.setKeyStorePassword("/opt/eclipse/kura/user/security/other.ks", "s3cret".toCharArray());

        assertThat(this.crypto.getKeyStorePassword(CACERTS)).isNull();
        assertThat(this.crypto.getKeyStorePassword("/opt/eclipse/kura/user/security/other.ks"))
                .containsExactly("s3cret".toCharArray());
    }

    @Test
    void keystorePasswordsKeptUnderTheDataDirectoryOutliveARestartEncrypted(@TempDir Path data) throws Exception {
        StandInCryptoService.of(data.toString()).setKeyStorePassword(CACERTS, "s3cret".toCharArray());

        DemoCryptoService restarted = StandInCryptoService.of(data.toString());

        assertThat(restarted.getKeyStorePassword(CACERTS)).containsExactly("s3cret".toCharArray());
        assertThat(Files.readString(data.resolve("store.save"))).doesNotContain("s3cret");
    }

    @Test
    void theKeyUnderTheDataDirectoryDecryptsWhatAnEarlierStartEncrypted(@TempDir Path data) throws Exception {
        char[] encrypted = StandInCryptoService.of(data.toString()).encryptAes("token".toCharArray());

        assertThat(StandInCryptoService.of(data.toString()).decryptAes(encrypted))
                .containsExactly("token".toCharArray());
        assertThat(data.resolve("security/demo-crypto.key")).exists();
    }

    @Test
    @SuppressWarnings("deprecation")
    void whatTheDemoLacksFailsSayingSo() {
        assertThatThrownBy(() -> this.crypto.decryptAes(SECRET))
                .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("decryptAes(char[])");
    }
}
