package io.berth.registry.logs;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

/**
 * DDL for the day partitions of {@code usage_log}: {@code usage_log_YYYYMMDD} holds the entries of that UTC day.
 * Creation is serialised by an advisory lock so that several nodes can ensure the same days at once.
 */
public final class LogPartitionRepository {
    private static final DateTimeFormatter SUFFIX = DateTimeFormatter.ofPattern("yyyyMMdd");
    private static final String PREFIX = "usage_log_";

    /** Creates the partitions of the given days that do not exist yet. */
    public Future<Void> ensure(Pool pool, Collection<LocalDate> days) {
        var missing = new TreeSet<>(days);
        return days(pool).compose(existing -> {
            existing.forEach(missing::remove);
            if (missing.isEmpty()) return Future.succeededFuture();
            return pool.withTransaction(tx -> {
                Future<Void> chain = tx.query("SELECT pg_advisory_xact_lock(hashtext('berth.usage_log.partitions'))")
                        .execute().mapEmpty();
                for (LocalDate day : missing) {
                    // IF NOT EXISTS: another node may have made it since the check
                    chain = chain.compose(v -> tx.query("CREATE TABLE IF NOT EXISTS %s PARTITION OF usage_log FOR VALUES FROM ('%s') TO ('%s')"
                            .formatted(name(day), day.atStartOfDay().atOffset(ZoneOffset.UTC),
                                    day.plusDays(1).atStartOfDay().atOffset(ZoneOffset.UTC))).execute().mapEmpty());
                }
                return chain;
            });
        });
    }

    /** The days that have a partition, oldest first. */
    public Future<List<LocalDate>> days(SqlClient db) {
        return db.query("""
                        SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                        WHERE i.inhparent = 'usage_log'::regclass ORDER BY c.relname""")
                .execute().map(rows -> {
                    var out = new ArrayList<LocalDate>();
                    rows.forEach(r -> {
                        String relname = r.getString(0);
                        if (relname.matches(PREFIX + "\\d{8}")) {
                            out.add(LocalDate.parse(relname.substring(PREFIX.length()), SUFFIX));
                        }
                    });
                    return out;
                });
    }

    /** Drops the partition of a day with every entry in it. */
    public Future<Void> drop(SqlClient db, LocalDate day) {
        return db.query("DROP TABLE IF EXISTS " + name(day)).execute().mapEmpty();
    }

    private static String name(LocalDate day) {
        return PREFIX + day.format(SUFFIX);
    }
}
