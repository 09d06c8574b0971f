package org.communityplatform.core.ops;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.MDC;
import org.slf4j.Marker;

/**
 * Copies the request id and organisation of the request being served ({@link RequestContext}, Vert.x
 * context-local data) into the MDC just before a log event is made, and clears them outside a
 * request: the MDC is per thread, and an event loop serves many requests in turn. The text
 * pattern prints them with {@code %X{reqId}}; the JSON encoder writes the whole MDC.
 */
public final class VertxMdcFilter extends TurboFilter {

  @Override
  public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
    // only for events that will be written: the filter runs before the level check
    if (level == null || logger == null || !level.isGreaterOrEqual(logger.getEffectiveLevel())) {
      return FilterReply.NEUTRAL;
    }
    sync(RequestContext.REQ_ID);
    sync(RequestContext.ORG);
    return FilterReply.NEUTRAL;
  }

  private static void sync(String key) {
    String v = RequestContext.get(key);
    if (v == null) {
      if (MDC.get(key) != null) {
        MDC.remove(key);
      }
    } else if (!v.equals(MDC.get(key))) {
      MDC.put(key, v);
    }
  }
}
