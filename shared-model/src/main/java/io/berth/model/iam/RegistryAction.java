package io.berth.model.iam;

import java.util.Optional;

/** The actions of a registry token scope ({@code repository:ns/repo:pull,push}) and the role each needs. */
public enum RegistryAction {
    PULL("pull", Role.READ), PUSH("push", Role.WRITE), ALL("*", Role.ADMIN), DELETE("delete", Role.WRITE);

    private final String wire;
    private final Role required;

    RegistryAction(String wire, Role required) {
        this.wire = wire;
        this.required = required;
    }

    public String wire() { return wire; }
    public Role required() { return required; }

    public static Optional<RegistryAction> fromWire(String s) {
        for (var a : values()) if (a.wire.equals(s)) return Optional.of(a);
        return Optional.empty();
    }
}
