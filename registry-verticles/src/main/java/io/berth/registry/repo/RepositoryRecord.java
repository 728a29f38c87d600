package io.berth.registry.repo;

import io.berth.model.ref.RepositoryName;

import java.time.OffsetDateTime;

/** A repository row joined with its namespace's name. */
public record RepositoryRecord(long id, long namespaceId, String namespace, String name, String visibility,
                               String description, String kind, String state, OffsetDateTime createdAt,
                               OffsetDateTime lastModified) {
    public boolean isPublic() { return visibility.equals("public"); }

    public RepositoryName repositoryName() { return new RepositoryName(namespace, name); }

    public String path() { return namespace + "/" + name; }
}
