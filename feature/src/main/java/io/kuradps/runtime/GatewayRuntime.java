package io.kuradps.runtime;

public final class GatewayRuntime {
    public static void main(String[] args) {
    }
}
