package org.communityplatform.moderation;

import io.vertx.sqlclient.Pool;
import org.communityplatform.core.audit.AuditLog;
import org.communityplatform.core.bus.ApiVerticle;
import org.communityplatform.core.events.EventLog;
import org.communityplatform.core.throttle.Throttle;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/** What the operation handlers share: the store, the bus view of places, the logs, the throttle, the clock. */
final class Env {

  /** Registers one operation handler. */
  interface Registry {
    void op(String operationId, ApiVerticle.Operation handler);
  }

  final Pool pool;
  final ReportStore store;
  final Places places;
  final EventLog events;
  final AuditLog audit;
  final Throttle throttle;
  final Clock clock;
  final Settings settings;

  Env(Pool pool, Places places, EventLog events, AuditLog audit, Throttle throttle, Clock clock, Settings settings) {
    this.pool = pool;
    this.store = new ReportStore(pool);
    this.places = places;
    this.events = events;
    this.audit = audit;
    this.throttle = throttle;
    this.clock = clock;
    this.settings = settings;
  }

  /** The platform clock's now, in UTC, to the microsecond PostgreSQL keeps. */
  OffsetDateTime now() {
    return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
  }
}
