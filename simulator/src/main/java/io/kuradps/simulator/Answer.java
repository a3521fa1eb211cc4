package io.kuradps.simulator;

/**
 * What the simulator publishes on {@code $dps/registrations/res/{status}/?$rid=...}.
 *
 * @param status the status in the topic
 * @param retryAfterSeconds the retry-after topic parameter, null for none
 * @param body the JSON body
 */
record Answer(int status, Integer retryAfterSeconds, byte[] body) {
}
