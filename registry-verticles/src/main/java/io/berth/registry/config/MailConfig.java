package io.berth.registry.config;

/**
 * Outgoing e-mail ({@code MAIL_*} keys, as in Quay).
 *
 * @param server null when no SMTP server is configured: nothing that needs e-mail can be asked for then
 */
public record MailConfig(String server, int port, boolean useTls, String username, String password,
                         String defaultSender) {
    public boolean configured() { return server != null && !server.isBlank(); }
}
