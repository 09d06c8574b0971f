package org.communityplatform.events;

import org.communityplatform.core.bus.ApiError;
import org.communityplatform.core.bus.ApiRequest;

/**
 * Who reads the log: the organisation (always only that one's events), the user, and whether the
 * caller sees every event of the organisation (an organisation API token, or a platform admin).
 */
record Viewer(String org, String userId, boolean seesAll) {

  /** The viewer of a request; 401 when anonymous. */
  static Viewer of(ApiRequest req) {
    String user = req.requireUser();
    boolean token = req.principal().getBoolean("apiToken", false);
    return new Viewer(req.org(), user, token || req.hasRole("admin"));
  }

  /** 403 unless the caller manages the organisation (webhooks): an API token or a platform admin. */
  static Viewer manager(ApiRequest req) {
    Viewer v = of(req);
    if (!v.seesAll) {
      throw ApiError.forbidden("only an organisation API token or a platform admin manages webhooks");
    }
    return v;
  }
}
