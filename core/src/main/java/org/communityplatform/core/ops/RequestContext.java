package org.communityplatform.core.ops;

import io.vertx.core.internal.ContextInternal;

/**
 * The request id and organisation of the request being served, kept in the Vert.x context-local
 * data of the request's own (duplicated) context, so that every line logged while serving it
 * carries them ({@link VertxMdcFilter} copies them into the logging MDC).
 *
 * <p>Vert.x gives each HTTP request and each event-bus message its own duplicated context; values
 * set here stay with that request, also across its asynchronous steps, and never leak into the
 * event loop's base context (they are not set there).
 */
public final class RequestContext {

  /** MDC / context keys. */
  public static final String REQ_ID = "reqId";
  public static final String ORG = "org";

  private RequestContext() {
  }

  /** Records the request id and organisation (either may be null) on the current request's context. */
  public static void set(String reqId, String org) {
    ContextInternal ctx = ContextInternal.current();
    if (ctx == null || !ctx.isDuplicate()) {
      return;
    }
    if (reqId != null) {
      ctx.localContextData().put(REQ_ID, reqId);
    }
    if (org != null) {
      ctx.localContextData().put(ORG, org);
    }
  }

  /** A value recorded with {@link #set}, or null outside a request. */
  public static String get(String key) {
    ContextInternal ctx = ContextInternal.current();
    if (ctx == null || !ctx.isDuplicate()) {
      return null;
    }
    Object v = ctx.localContextData().get(key);
    return v == null ? null : v.toString();
  }
}
