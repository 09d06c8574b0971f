package org.communityplatform.bench;

import java.util.Map;

/**
 * One measured request: {@code wrk} is what the load generator sends, {@code checkHeaders} the
 * headers of the single request of the checks and of the smoke mode; {@code group} sorts the report.
 */
record Endpoint(String key, String label, Wrk.Request wrk, Map<String, String> checkHeaders, boolean write,
                String group) {
}
