package io.berth.registry.auth;

import io.vertx.core.Future;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;

/**
 * Browser sessions, stored in PostgreSQL so that every node knows them. The cookie carries a random token; a signed-in
 * session is a row keyed by the token's hash, and a cookie without a row is an anonymous session. Each session's CSRF
 * token is an HMAC of its cookie token, so it needs no storage and changes whenever the session does (sign-in issues a
 * new cookie, which also rules out session fixation).
 */
public final class Sessions {
    public static final String COOKIE = "berth_session";
    private static final Duration LIFETIME = Duration.ofDays(30);
    private static final int TOKEN_LENGTH = 43;

    private final Pool pool;
    private final SessionRepository rows;
    private final SecretKeySpec csrfKey;
    private final Duration freshLoginTimeout;
    private final boolean secureCookie;

    /** The caller's session: the cookie's token (null without one) and who is signed in (anonymous when no one). */
    public record Session(String token, Identity identity, OffsetDateTime freshAt) {
        public boolean signedIn() { return !identity.anonymous(); }
    }

    public Sessions(Pool pool, SessionRepository rows, byte[] secret, Duration freshLoginTimeout, boolean secureCookie) {
        this.pool = pool;
        this.rows = rows;
        this.csrfKey = new SecretKeySpec(hmac(new SecretKeySpec(secret, "HmacSHA256"), "berth session csrf"), "HmacSHA256");
        this.freshLoginTimeout = freshLoginTimeout;
        this.secureCookie = secureCookie;
    }

    public Future<Session> resolve(String token) {
        if (token == null || token.isEmpty()) return Future.succeededFuture(new Session(null, Identity.ANONYMOUS, null));
        return rows.find(pool, SecretCodes.sha256(token)).map(row -> row == null
                ? new Session(token, Identity.ANONYMOUS, null)
                : new Session(token, new Identity(row.accountId(), row.username(), Identity.Kind.USER, null), row.freshAt()));
    }

    /** A token for a new anonymous session (no row: it only carries a CSRF token until someone signs in). */
    public static String newToken() {
        return SecretCodes.random(TOKEN_LENGTH);
    }

    /** Signs the account in: a new session, fresh, under a new token, which is returned. Expired rows are swept. */
    public Future<String> start(long accountId) {
        String token = newToken();
        return rows.deleteExpired(pool)
                .compose(v -> rows.insert(pool, SecretCodes.sha256(token), accountId,
                        OffsetDateTime.now(ZoneOffset.UTC).plus(LIFETIME)))
                .map(token);
    }

    public Future<Void> end(String token) {
        return rows.delete(pool, SecretCodes.sha256(token));
    }

    public Future<Void> endAll(long accountId) {
        return endOthers(pool, accountId, null);
    }

    /** Ends every session of the account but the one of {@code keepToken} (null: all). */
    public Future<Void> endOthers(SqlClient db, long accountId, String keepToken) {
        return rows.deleteForAccount(db, accountId, keepToken == null ? null : SecretCodes.sha256(keepToken));
    }

    /** Records a fresh password entry for the session ({@code /signin/verify}). */
    public Future<Void> refresh(String token) {
        return rows.markFresh(pool, SecretCodes.sha256(token));
    }

    /** Whether the session's password entry is recent enough for the actions Quay guards with a fresh login. */
    public boolean fresh(Session session) {
        return session.freshAt() != null && session.freshAt().isAfter(OffsetDateTime.now().minus(freshLoginTimeout));
    }

    public String csrfToken(String token) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(hmac(csrfKey, token));
    }

    public boolean csrfValid(String token, String presented) {
        return token != null && presented != null && SecretCodes.same(csrfToken(token), presented);
    }

    public Cookie cookie(String token) {
        return Cookie.cookie(COOKIE, token).setPath("/").setHttpOnly(true).setSecure(secureCookie)
                .setSameSite(CookieSameSite.LAX).setMaxAge(LIFETIME.toSeconds());
    }

    public Cookie clearedCookie() {
        return cookie("").setMaxAge(0);
    }

    private static byte[] hmac(SecretKeySpec key, String value) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(value.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
