package org.communityplatform.core.module;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import org.communityplatform.core.audit.AuditLog;
import org.communityplatform.core.auth.PlatformAuth;
import org.communityplatform.core.events.EventLog;
import org.communityplatform.core.mail.Outbox;
import org.communityplatform.core.throttle.Throttle;

import java.time.Clock;

/**
 * What the core hands a module: Vert.x, the node's pool, its config section, auth, the clock, and the
 * shared mechanisms every module writes through: the event log, the audit log, the throttle, the outbox.
 */
public final class ModuleContext {

  private final String name;
  private final Vertx vertx;
  private final Pool pool;
  private final JsonObject config;
  private final JsonObject platformConfig;
  private final PlatformAuth auth;
  private final Clock clock;
  private final Outbox outbox;
  private final EventLog events;
  private final AuditLog audit;
  private final Throttle throttle;

  public ModuleContext(String name, Vertx vertx, Pool pool, JsonObject config, JsonObject platformConfig,
                       PlatformAuth auth, Clock clock, Outbox outbox, EventLog events, AuditLog audit,
                       Throttle throttle) {
    this.events = events;
    this.audit = audit;
    this.throttle = throttle;
    this.outbox = outbox;
    this.name = name;
    this.vertx = vertx;
    this.pool = pool;
    this.config = config;
    this.platformConfig = platformConfig;
    this.auth = auth;
    this.clock = clock;
  }

  public String name() {
    return name;
  }

  public Vertx vertx() {
    return vertx;
  }

  /** The node's PostgreSQL pool (shared by every module on the node). */
  public Pool pool() {
    return pool;
  }

  /** This module's section of the configuration ({@code modules.<name>}). */
  public JsonObject config() {
    return config;
  }

  /** The whole configuration. */
  public JsonObject platformConfig() {
    return platformConfig;
  }

  /** Token issuing and revocation. */
  public PlatformAuth auth() {
    return auth;
  }

  /** Outgoing mail: enqueue messages in your transaction; a worker delivers them. */
  public Outbox outbox() {
    return outbox;
  }

  /** The platform clock (tests move it to check expiry). */
  public Clock clock() {
    return clock;
  }

  /** The event log: append an event in the transaction of every state change. */
  public EventLog events() {
    return events;
  }

  /** The audit log: append an entry in the transaction of every administrative act. */
  public AuditLog audit() {
    return audit;
  }

  /** The throttle for guessable secrets and write rate limits (counts in PostgreSQL). */
  public Throttle throttle() {
    return throttle;
  }
}
