package org.eclipse.kura.data;

import java.util.Objects;

import org.osgi.annotation.versioning.ProviderType;

/** Identifies one published message within one transport session, as Kura 5.0 declares it. */
@ProviderType
public class DataTransportToken {

    private final int messageId;
    private final String sessionId;

    public DataTransportToken(int messageId, String sessionId) {
        this.messageId = messageId;
        this.sessionId = sessionId;
    }

    public int getMessageId() {
        return this.messageId;
    }

    public String getSessionId() {
        return this.sessionId;
    }

    @Override
    public boolean equals(Object other) {
        if (!(other instanceof DataTransportToken) || other.getClass() != getClass()) {
            return false;
        }
        DataTransportToken token = (DataTransportToken) other;
        return this.messageId == token.messageId && Objects.equals(this.sessionId, token.sessionId);
    }

    @Override
    public int hashCode() {
        return Objects.hash(this.messageId, this.sessionId);
    }
}
