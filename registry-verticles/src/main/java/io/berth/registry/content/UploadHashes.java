package io.berth.registry.content;

import io.berth.model.oci.Digester;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The running sha256 of each upload whose chunks this node received, so finishing an upload does not re-read it.
 * An entry is only valid while its byte count equals the stored size of the upload; the request holding the upload's
 * lease takes the entry out and puts it back after a successful write. Uploads resumed on another node or after a
 * restart have no entry here and are hashed from storage instead.
 */
public final class UploadHashes {
    private record Entry(Digester digester, long size, long touchedNanos) {}

    private final Map<UUID, Entry> entries = new ConcurrentHashMap<>();

    /** The running hash for an upload that has {@code size} bytes, removed from the map; null when unknown. */
    public Digester take(UUID id, long size) {
        Entry entry = entries.remove(id);
        if (entry != null && entry.size() == size) return entry.digester();
        return size == 0 ? Digester.sha256() : null;
    }

    public void put(UUID id, Digester digester, long size) {
        entries.put(id, new Entry(digester, size, System.nanoTime()));
    }

    public void remove(UUID id) {
        entries.remove(id);
    }

    /** Drops entries not touched for {@code idleNanos}: their uploads were abandoned or finished elsewhere. */
    public void forgetIdle(long idleNanos) {
        long now = System.nanoTime();
        entries.values().removeIf(e -> now - e.touchedNanos() > idleNanos);
    }

    int size() { return entries.size(); }
}
