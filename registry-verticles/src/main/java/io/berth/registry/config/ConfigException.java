package io.berth.registry.config;

/** A configuration that cannot start Berth; the message names the key. */
public class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
