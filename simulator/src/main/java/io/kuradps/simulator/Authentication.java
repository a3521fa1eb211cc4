package io.kuradps.simulator;

/**
 * The outcome of checking a device's credentials at CONNECT. A failure does not refuse the connection:
 * like DPS, the simulator answers the device's requests with 401 on the response topic.
 *
 * @param enrollment the enrollment that authenticated the device, null on failure
 * @param errorCode the DPS error code to answer on failure (401000 or 401002)
 * @param reason why authentication failed (for counters and logs; never holds secrets)
 */
record Authentication(Enrollment enrollment, int errorCode, String reason) {

    static Authentication success(Enrollment enrollment) {
        return new Authentication(enrollment, 0, null);
    }

    static Authentication failure(int errorCode, String reason) {
        return new Authentication(null, errorCode, reason);
    }

    boolean succeeded() {
        return enrollment != null;
    }
}
