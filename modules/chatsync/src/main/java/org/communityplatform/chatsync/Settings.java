package org.communityplatform.chatsync;

import io.vertx.core.json.JsonObject;

import java.util.regex.Pattern;

/**
 * The sync's configuration: Stream's keys, base URL and channel scheme from
 * {@code modules.communities.stream} (where {@code POST /api/stream/token} reads the same keys), and
 * the sync's own timing from {@code modules.chatsync}. Bad values stop start-up with the key named.
 */
final class Settings {

  /** Stream channel ids allow letters, digits, '-' and '_' (at most 64 characters). */
  private static final Pattern ID_PREFIX = Pattern.compile("^[A-Za-z0-9_-]{0,24}$");
  private static final Pattern CHANNEL_TYPE = Pattern.compile("^[a-z0-9_-]{1,64}$");

  final String apiKey;
  final String secret;
  final String baseUrl;
  final String channelType;
  final String communityPrefix;
  final String groupPrefix;
  final String systemUserId;
  final boolean communityMembers;
  final long pollMs;
  final long leaderRetryMs;
  final long requestTimeoutMs;
  final int concurrency;
  final int batchSize;
  final long retryBaseMs;
  final long retryMaxMs;
  final int maxAttempts;
  final int keepDoneDays;

  Settings(JsonObject platformConfig, JsonObject own) {
    JsonObject stream = platformConfig.getJsonObject("modules", new JsonObject())
      .getJsonObject("communities", new JsonObject()).getJsonObject("stream", new JsonObject());
    apiKey = stream.getString("apiKey", "");
    secret = stream.getString("secret", "");
    String url = stream.getString("baseUrl", "https://chat.stream-io-api.com");
    if (!url.matches("^https?://[^/?#]+(/[^?#]*)?$")) {
      throw new IllegalArgumentException("key 'modules.communities.stream.baseUrl' must be an http(s) URL");
    }
    baseUrl = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    channelType = stream.getString("channelType", "team");
    if (!CHANNEL_TYPE.matcher(channelType).matches()) {
      throw new IllegalArgumentException("key 'modules.communities.stream.channelType' must be a Stream channel type");
    }
    communityPrefix = prefix(stream, "communityChannelPrefix", "community-");
    groupPrefix = prefix(stream, "groupChannelPrefix", "group-");
    if (communityPrefix.equals(groupPrefix)) {
      throw new IllegalArgumentException("keys 'modules.communities.stream.communityChannelPrefix' and "
        + "'groupChannelPrefix' must differ");
    }
    systemUserId = stream.getString("systemUserId", "platform");
    communityMembers = own.getBoolean("communityMembers", true);
    pollMs = positive(own, "pollMs", 5000);
    leaderRetryMs = positive(own, "leaderRetryMs", 5000);
    requestTimeoutMs = positive(own, "requestTimeoutMs", 10000);
    concurrency = (int) positive(own, "concurrency", 8);
    batchSize = (int) positive(own, "batchSize", 200);
    JsonObject retry = own.getJsonObject("retry", new JsonObject());
    retryBaseMs = positive(retry, "baseMs", 2000);
    retryMaxMs = positive(retry, "maxMs", 3_600_000);
    maxAttempts = (int) positive(retry, "maxAttempts", 25);
    keepDoneDays = (int) positive(own, "keepDoneDays", 7);
  }

  /** Both keys set: the sync runs. Without them nothing is sent and nothing is queued. */
  boolean configured() {
    return !apiKey.isBlank() && !secret.isBlank();
  }

  String communityChannel(String communityId) {
    return communityPrefix + communityId;
  }

  String groupChannel(String groupId) {
    return groupPrefix + groupId;
  }

  private static String prefix(JsonObject stream, String key, String def) {
    String p = stream.getString(key, def);
    if (!ID_PREFIX.matcher(p).matches()) {
      throw new IllegalArgumentException("key 'modules.communities.stream." + key
        + "' may hold only letters, digits, '-' and '_' (at most 24)");
    }
    return p;
  }

  private static long positive(JsonObject c, String key, long def) {
    long v = c.getLong(key, def);
    if (v < 1) {
      throw new IllegalArgumentException("key '" + key + "' of modules.chatsync must be positive");
    }
    return v;
  }
}
