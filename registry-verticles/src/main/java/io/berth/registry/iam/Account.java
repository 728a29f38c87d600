package io.berth.registry.iam;

import java.time.OffsetDateTime;
import java.util.UUID;

public record Account(long id, UUID uuid, String username, String email, String passwordHash, String kind,
                      Long ownerId, boolean enabled, boolean verified, long removedTagExpirationS,
                      OffsetDateTime createdAt) {
    public boolean isUser() { return kind.equals("user"); }
    public boolean isOrganization() { return kind.equals("organization"); }
    public boolean isRobot() { return kind.equals("robot"); }
}
