package org.communityplatform.moderation;

import io.vertx.core.Future;
import org.communityplatform.core.bus.ApiError;
import org.communityplatform.core.bus.ApiReply;
import org.communityplatform.core.throttle.Throttle;

/**
 * The write limits of reports: per account ({@code throttle.reportsPerUser}) and per client address
 * ({@code throttle.reportsPerAddress}), counted in PostgreSQL through the platform {@link Throttle}.
 * Every answer to {@code POST /api/reports} carries both limits in the {@code RateLimit-Policy} and
 * {@code RateLimit} headers (draft-ietf-httpapi-ratelimit-headers: a structured-field list, one item per
 * policy); over either limit the answer is 429 with {@code Retry-After} and that limit's headers.
 */
final class ReportLimits {

  static final String PER_USER = "reportsPerUser";
  static final String PER_ADDRESS = "reportsPerAddress";

  /** Both counts after this request's hit. */
  record Granted(Throttle.State user, Throttle.State address) {

    String policy() {
      return user.policyHeader() + ", " + address.policyHeader();
    }

    String remaining() {
      return user.rateLimitHeader() + ", " + address.rateLimitHeader();
    }

    ApiReply on(ApiReply reply) {
      return reply.header("RateLimit-Policy", policy()).header("RateLimit", remaining());
    }

    ApiError on(ApiError error) {
      return error.withHeader("RateLimit-Policy", policy()).withHeader("RateLimit", remaining());
    }
  }

  private final Throttle throttle;

  ReportLimits(Throttle throttle) {
    this.throttle = throttle;
  }

  /** Counts one report of {@code userId} from {@code address} in {@code org}; 429 over either limit. */
  Future<Granted> acquire(String org, String userId, String address) {
    return throttle.acquire(PER_USER, org + ":" + userId, "too many reports from this account; try again later")
      .compose(user -> throttle.acquire(PER_ADDRESS, org + ":" + address, "too many reports from this address; try again later")
        .map(addr -> new Granted(user, addr)));
  }
}
