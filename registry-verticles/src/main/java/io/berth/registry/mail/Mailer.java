package io.berth.registry.mail;

import io.berth.registry.config.BerthConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.mail.LoginOption;
import io.vertx.ext.mail.MailClient;
import io.vertx.ext.mail.MailConfig;
import io.vertx.ext.mail.MailMessage;
import io.vertx.ext.mail.StartTLSOptions;

/** The one way Berth sends e-mail (invitations, confirmations, export links), through the {@code MAIL_*} settings. */
public final class Mailer {
    private final BerthConfig.Mail settings;
    private final MailClient client;

    public Mailer(Vertx vertx, BerthConfig.Mail settings) {
        this.settings = settings;
        this.client = settings.enabled() ? MailClient.createShared(vertx, config(settings), "berth-mail") : null;
    }

    /** Whether mail can be sent at all; features that need it fall back (or refuse) when it cannot. */
    public boolean enabled() {
        return client != null;
    }

    public Future<Void> send(String to, String subject, String text) {
        if (client == null) return Future.failedFuture(new IllegalStateException("mailing is not configured"));
        var message = new MailMessage().setFrom(settings.defaultSender()).setTo(to).setSubject(subject).setText(text);
        return client.sendMail(message).mapEmpty();
    }

    private static MailConfig config(BerthConfig.Mail s) {
        var config = new MailConfig().setHostname(s.server()).setPort(s.port())
                .setStarttls(s.useTls() ? StartTLSOptions.REQUIRED : StartTLSOptions.DISABLED);
        if (s.username() != null) {
            config.setUsername(s.username()).setPassword(s.password()).setLogin(LoginOption.REQUIRED);
        } else {
            config.setLogin(LoginOption.DISABLED);
        }
        return config;
    }
}
