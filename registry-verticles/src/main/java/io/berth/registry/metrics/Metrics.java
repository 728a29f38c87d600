package io.berth.registry.metrics;

import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The node's counters, rendered in Prometheus' text format. Counters only count up and start at zero with the node,
 * which is what Prometheus' {@code rate()} expects.
 */
public final class Metrics {
    private final Map<String, Counter> counters = new ConcurrentSkipListMap<>();

    /** A monotonically increasing count. */
    public static final class Counter {
        private final String help;
        private final LongAdder value = new LongAdder();

        private Counter(String help) {
            this.help = help;
        }

        public void add(long n) {
            value.add(n);
        }

        public long value() {
            return value.sum();
        }
    }

    /** The counter of that name (which should end in {@code _total}), registered on first use. */
    public Counter counter(String name, String help) {
        return counters.computeIfAbsent(name, n -> new Counter(help));
    }

    /** Every counter in the Prometheus text exposition format (version 0.0.4). */
    public String render() {
        var out = new StringBuilder();
        counters.forEach((name, c) -> out.append("# HELP ").append(name).append(' ').append(c.help).append('\n')
                .append("# TYPE ").append(name).append(" counter\n")
                .append(name).append(' ').append(c.value()).append('\n'));
        return out.toString();
    }
}
