package org.eclipse.kura;

/**
 * Subset of Kura's error codes. Only constants present since Kura 5.0 may appear here: a constant that a
 * gateway's Kura lacks fails with NoSuchFieldError at run time.
 */
public enum KuraErrorCode {
    CONFIGURATION_ERROR,
    CONFIGURATION_UPDATE,
    CONFIGURATION_SNAPSHOT_NOT_FOUND,
    CONFIGURATION_SNAPSHOT_TAKING,
    CONFIGURATION_SNAPSHOT_LISTING,
    CONFIGURATION_SNAPSHOT_LOADING,
    INTERNAL_ERROR,
    PARTIAL_SUCCESS,
    DECODER_ERROR,
    ENCODE_ERROR,
    INVALID_PARAMETER,
    PROCESS_EXECUTION_ERROR,
    NOT_FOUND,
    NOT_CONNECTED,
    TIMED_OUT,
    CONNECTION_FAILED,
    TOO_MANY_INFLIGHT_MESSAGES,
    STORE_ERROR,
    BAD_REQUEST
}
