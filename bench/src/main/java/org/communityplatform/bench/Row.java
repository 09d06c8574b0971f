package org.communityplatform.bench;

/** One endpoint's wrk result next to the baseline's run right after it; {@code note} when it was skipped. */
record Row(Endpoint endpoint, Wrk.Result platform, Wrk.Result baseline, String note) {
}
