package io.berth.registry.logs;

import io.berth.model.error.BerthException;
import io.berth.model.error.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Set;

/**
 * The SSRF check for export callbacks: only http(s), and no loopback, link-local, private, unspecified or multicast
 * address unless the host is listed in {@code CALLBACK_ALLOWED_HOSTS}. The check resolves the host and returns the
 * address it approved, and delivery connects to that very address, so a name cannot resolve differently in between.
 */
public final class CallbackUrls {
    private final Vertx vertx;
    private final Set<String> allowedHosts;

    public CallbackUrls(Vertx vertx, Set<String> allowedHosts) {
        this.vertx = vertx;
        this.allowedHosts = allowedHosts;
    }

    /** A checked callback: where to send it and the address to connect to. */
    public record Target(URI uri, InetAddress address, int port) {}

    /** Checks a callback URL; fails with Quay's 400 "Invalid callback URL" when it may not be called. */
    public Future<Target> check(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException | NullPointerException e) {
            return Future.failedFuture(invalid());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase();
        String host = uri.getHost();
        if (!(scheme.equals("http") || scheme.equals("https")) || host == null || uri.getRawUserInfo() != null) {
            return Future.failedFuture(invalid());
        }
        int port = uri.getPort() >= 0 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
        String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        boolean allowed = allowedHosts.contains(bare.toLowerCase());
        return vertx.executeBlocking(() -> {
            InetAddress[] addresses;
            try {
                addresses = InetAddress.getAllByName(bare);
            } catch (UnknownHostException e) {
                throw invalid();
            }
            if (!allowed) {
                for (InetAddress a : addresses) if (internal(a)) throw invalid();
            }
            return new Target(uri, addresses[0], port);
        }, false);
    }

    static boolean internal(InetAddress a) {
        if (a.isLoopbackAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress() || a.isAnyLocalAddress()
                || a.isMulticastAddress()) {
            return true;
        }
        byte[] b = a.getAddress();
        if (a instanceof Inet6Address) {
            // unique local fc00::/7, and IPv4-mapped addresses judged as the IPv4 address they carry
            if ((b[0] & 0xfe) == 0xfc) return true;
            boolean mapped = true;
            for (int i = 0; i < 10; i++) mapped &= b[i] == 0;
            if (mapped && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
                try {
                    return internal(InetAddress.getByAddress(java.util.Arrays.copyOfRange(b, 12, 16)));
                } catch (UnknownHostException e) {
                    return true;
                }
            }
            return false;
        }
        int first = b[0] & 0xff;
        int second = b[1] & 0xff;
        // 0.0.0.0/8, carrier-grade NAT 100.64.0.0/10
        return first == 0 || (first == 100 && second >= 64 && second < 128);
    }

    private static BerthException invalid() {
        return new BerthException(ErrorCode.INVALID_REQUEST, "Invalid callback URL");
    }
}
