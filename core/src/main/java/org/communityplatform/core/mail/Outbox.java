package org.communityplatform.core.mail;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mail.MailClient;
import io.vertx.ext.mail.MailConfig;
import io.vertx.ext.mail.MailMessage;
import io.vertx.ext.mail.StartTLSOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * Outgoing mail through a table: a module enqueues a message with the same SQL client (or
 * transaction) that writes the fact it announces, and a worker delivers it with retries. With no
 * SMTP server configured, each message and its link are logged, so a developer can follow a flow.
 * Several nodes may run the worker: a message is claimed with {@code FOR UPDATE SKIP LOCKED}.
 */
public final class Outbox {

  private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);

  private final Vertx vertx;
  private final Pool pool;
  private final JsonObject config;
  private final MailClient mail;
  private final int maxAttempts;
  private long timer = -1;
  private boolean running;

  public Outbox(Vertx vertx, Pool pool, JsonObject mailConfig) {
    this.vertx = vertx;
    this.pool = pool;
    this.config = mailConfig;
    this.maxAttempts = mailConfig.getInteger("maxAttempts", 8);
    JsonObject smtp = mailConfig.getJsonObject("smtp");
    if (smtp.getString("host", "").isBlank()) {
      this.mail = null;
    } else {
      MailConfig mc = new MailConfig().setHostname(smtp.getString("host")).setPort(smtp.getInteger("port"))
        .setSsl(smtp.getBoolean("ssl", false))
        .setStarttls(StartTLSOptions.valueOf(smtp.getString("starttls", "OPTIONAL").toUpperCase(Locale.ROOT)));
      if (!smtp.getString("username", "").isBlank()) {
        mc.setUsername(smtp.getString("username")).setPassword(smtp.getString("password"));
      }
      this.mail = MailClient.createShared(vertx, mc, "platform-outbox");
    }
  }

  private volatile java.util.function.Supplier<String> publicUrl = () -> "http://localhost:8080";

  /** Where {@link #publicUrl()} comes from: {@code http.publicUrl}, or the port the API listens on. */
  public void usePublicUrl(java.util.function.Supplier<String> source) {
    this.publicUrl = source;
  }

  /** The base URL for links in messages ({@code http.publicUrl}), without a trailing slash. */
  public String publicUrl() {
    return publicUrl.get();
  }

  /**
   * Queues a message. Pass the transaction's connection to make the message part of it.
   *
   * @param message {@code {org, kind, to, subject, text, link?}}
   * @return the message id
   */
  public Future<UUID> enqueue(SqlClient client, JsonObject message) {
    UUID id = UUID.randomUUID();
    return client.preparedQuery("INSERT INTO platform.outbox (id, org, kind, recipient, subject, body, link) "
        + "VALUES ($1, $2, $3, $4, $5, $6, $7)")
      .execute(Tuple.of(id, message.getString("org", "default"), message.getString("kind", "message"),
        message.getString("to"), message.getString("subject", ""), message.getString("text", ""))
        .addString(message.getString("link")))
      .map(r -> id);
  }

  /** Starts the delivery worker on this node. */
  public void start() {
    long poll = Math.max(100, config.getInteger("pollMs", 2000));
    timer = vertx.setPeriodic(poll, poll, t -> deliverDue());
  }

  public void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
    if (mail != null) {
      mail.close();
    }
  }

  /** Delivers what is due now; returns how many messages were handled. */
  public Future<Integer> deliverDue() {
    if (running) {
      return Future.succeededFuture(0);
    }
    running = true;
    // claim a batch by pushing its next attempt a lease ahead; a node that dies mid-send
    // leaves the messages to be picked up again when the lease runs out
    return pool.query("UPDATE platform.outbox SET attempts = attempts + 1, "
        + "next_attempt_at = now() + make_interval(secs => 60 * power(2, LEAST(attempts, 10))) "
        + "WHERE id IN (SELECT id FROM platform.outbox WHERE status = 'pending' AND next_attempt_at <= now() "
        + "ORDER BY next_attempt_at LIMIT 20 FOR UPDATE SKIP LOCKED) "
        + "RETURNING id, kind, recipient, subject, body, link, attempts")
      .execute()
      .compose(rows -> {
        List<Future<?>> all = new ArrayList<>();
        for (Row r : rows) {
          all.add(deliver(r));
        }
        return Future.join(all).map(x -> rows.size());
      })
      .onComplete(x -> running = false)
      .recover(err -> {
        LOG.warn("outbox: delivery round failed: {}", err.getMessage());
        return Future.succeededFuture(0);
      });
  }

  private Future<Void> deliver(Row r) {
    UUID id = r.getUUID("id");
    if (mail == null) {
      LOG.info("outbox ({} to {}): {}\n{}{}", r.getString("kind"), r.getString("recipient"), r.getString("subject"),
        r.getString("body"), r.getString("link") == null ? "" : "\nlink: " + r.getString("link"));
      return mark(id, "logged", null);
    }
    MailMessage msg = new MailMessage().setFrom(config.getString("from")).setTo(r.getString("recipient"))
      .setSubject(r.getString("subject")).setText(r.getString("body"));
    return mail.sendMail(msg).compose(res -> mark(id, "sent", null), err -> {
      boolean last = r.getInteger("attempts") >= maxAttempts;
      LOG.warn("outbox: sending {} to {} failed (attempt {}): {}", id, r.getString("recipient"),
        r.getInteger("attempts"), err.getMessage());
      return last ? mark(id, "failed", err.getMessage())
        : pool.preparedQuery("UPDATE platform.outbox SET last_error = $2 WHERE id = $1")
          .execute(Tuple.of(id, String.valueOf(err.getMessage()))).mapEmpty();
    });
  }

  private Future<Void> mark(UUID id, String status, String error) {
    return pool.preparedQuery("UPDATE platform.outbox SET status = $2, last_error = $3, "
        + "sent_at = CASE WHEN $2 IN ('sent', 'logged') THEN now() ELSE sent_at END WHERE id = $1")
      .execute(Tuple.of(id, status, error)).mapEmpty();
  }
}
