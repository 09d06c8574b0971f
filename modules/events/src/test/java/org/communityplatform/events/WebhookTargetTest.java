package org.communityplatform.events;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.communityplatform.testing.PlatformExtension;
import org.communityplatform.testing.TestPlatform;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.InetAddress;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** SSRF guard with the production default (private targets refused): at create, at update and at send time. */
class WebhookTargetTest {

  @RegisterExtension
  static final PlatformExtension p = PlatformExtension.with(new JsonObject()
    .put("auth", new JsonObject().put("apiToken", Cfg.API_TOKEN).put("apiTokenOrg", Cfg.TOKEN_ORG))
    .put("modules", new JsonObject().put("events", new JsonObject()
      .put("webhooks", new JsonObject().put("pollMs", 100)))));

  private static TestPlatform.Res create(String url) {
    return p.get().post("/api/webhooks").header("x-api-token", Cfg.API_TOKEN)
      .json(new JsonObject().put("url", url).put("events", new JsonArray().add("*"))).send();
  }

  @Test
  void urlsOfNonPublicAddressesAreRefusedAtCreateAndUpdate() {
    for (String url : List.of("http://127.0.0.1:8080/", "http://localhost/hook", "http://[::1]/", "http://[::ffff:127.0.0.1]/",
      "http://10.1.2.3/", "http://172.16.0.1/", "http://192.168.1.1/", "http://169.254.169.254/latest/meta-data",
      "http://0.0.0.0/", "http://[fe80::1]/", "http://[fc00::1]/", "http://224.0.0.1/", "http://100.64.0.1/", "http://[::]/")) {
      TestPlatform.Res r = create(url);
      assertThat(r.status()).as(url).isEqualTo(400);
      assertThat(r.errorCode()).as(url).isEqualTo("target_not_allowed");
    }
    TestPlatform.Res ok = create("http://93.184.215.14/hook");
    assertThat(ok.status()).as(ok.toString()).isEqualTo(201);
    TestPlatform.Res patch = p.get().patch("/api/webhooks/" + ok.json().getString("id")).header("x-api-token", Cfg.API_TOKEN)
      .json(new JsonObject().put("url", "http://127.0.0.2/")).send();
    assertThat(patch.status()).isEqualTo(400);
    assertThat(patch.errorCode()).isEqualTo("target_not_allowed");
    p.get().delete("/api/webhooks/" + ok.json().getString("id")).header("x-api-token", Cfg.API_TOKEN).send();
  }

  @Test
  void aPortOutsideOneTo65535IsRefusedAtCreateAndUpdate() {
    for (String url : List.of("http://93.184.215.14:0/hook", "https://93.184.215.14:65536/", "http://93.184.215.14:99999/")) {
      TestPlatform.Res r = create(url);
      r.assertError(400);
      assertThat(r.errorCode()).as(url).isEqualTo("invalid_url");
    }
    TestPlatform.Res ok = create("http://93.184.215.14:65535/hook");
    assertThat(ok.status()).as(ok.toString()).isEqualTo(201);
    TestPlatform.Res patch = p.get().patch("/api/webhooks/" + ok.json().getString("id")).header("x-api-token", Cfg.API_TOKEN)
      .json(new JsonObject().put("url", "http://93.184.215.14:0/")).send();
    patch.assertError(400);
    assertThat(patch.errorCode()).isEqualTo("invalid_url");
    p.get().delete("/api/webhooks/" + ok.json().getString("id")).header("x-api-token", Cfg.API_TOKEN).send();
  }

  @Test
  void theAddressClassesAreJudgedInBothFamilies() throws Exception {
    for (String a : List.of("127.0.0.1", "10.0.0.1", "172.31.255.255", "192.168.0.1", "169.254.1.1", "0.0.0.0", "255.255.255.255",
      "224.1.1.1", "100.100.0.1", "::1", "::", "fe80::1", "fd12::1", "ff02::1", "::ffff:10.0.0.1", "::ffff:169.254.169.254")) {
      assertThat(TargetGuard.isPublic(InetAddress.getByName(a))).as(a).isFalse();
    }
    for (String a : List.of("93.184.215.14", "8.8.8.8", "2606:4700:4700::1111", "::ffff:8.8.8.8")) {
      assertThat(TargetGuard.isPublic(InetAddress.getByName(a))).as(a).isTrue();
    }
  }

  @Test
  void ipv6AddressesCarryingANonPublicIpv4AddressAreRefused() throws Exception {
    // NAT64 (RFC 6052), 6to4 (RFC 3056), Teredo (RFC 4380: client bits inverted), IPv4-translated, IPv4-compatible
    for (String a : List.of("64:ff9b::7f00:1", "64:ff9b::a00:1", "64:ff9b::c0a8:101", "64:ff9b::a9fe:a9fe", "64:ff9b::",
      "2002:7f00:1::", "2002:a00:1:1::1", "2002:c0a8:101::1", "2002:a9fe:a9fe::", "2002::1",
      "2001:0:4136:e378:8000:63bf:80ff:fffe", "2001:0:4136:e378:8000:63bf:f5ff:fffe",
      "::ffff:0:7f00:1", "::ffff:0:a00:1", "::7f00:1", "::a00:1", "64:ff9b:1::808:808")) {
      assertThat(TargetGuard.isPublic(InetAddress.getByName(a))).as(a).isFalse();
    }
    // the same prefixes in front of a public IPv4 address reach a public host
    for (String a : List.of("64:ff9b::808:808", "2002:808:808::1", "2001:0:4136:e378:8000:63bf:f7f7:f7f7", "::ffff:0:808:808")) {
      assertThat(TargetGuard.isPublic(InetAddress.getByName(a))).as(a).isTrue();
    }
  }

  @Test
  void webhookUrlsOfNat64And6to4AddressesOfPrivateHostsAreRefused() {
    for (String url : List.of("http://[64:ff9b::7f00:1]/", "http://[64:ff9b::a9fe:a9fe]/latest/meta-data",
      "http://[2002:7f00:1::1]/", "http://[2002:c0a8:101::]/", "http://[::ffff:0:a00:1]/")) {
      TestPlatform.Res r = create(url);
      assertThat(r.status()).as(url).isEqualTo(400);
      assertThat(r.errorCode()).as(url).isEqualTo("target_not_allowed");
    }
  }

  @Test
  void aTargetThatTurnsPrivateAfterSavingIsRefusedAtSendTime() {
    // as after a DNS change: the stored URL now points at this machine; the row is written directly,
    // since the API refuses such a URL
    try (Receiver rx = new Receiver()) {
      String id = java.util.UUID.randomUUID().toString();
      p.get().sql("INSERT INTO events.webhooks (id, org, url, events, enabled, secret, created_at, updated_at) "
        + "VALUES ($1::uuid, $2, $3, '{*}', true, 'whsec_MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDE=', now(), now())",
        id, Cfg.TOKEN_ORG, rx.url());
      p.get().post("/api/backlog").org(Cfg.TOKEN_ORG).json(Cfg.item("rebound")).send();
      Instant end = Instant.now().plusSeconds(15);
      JsonArray attempts = new JsonArray();
      while (Instant.now().isBefore(end) && attempts.isEmpty()) {
        JsonArray data = p.get().get("/api/webhooks/" + id + "/deliveries").header("x-api-token", Cfg.API_TOKEN).send().json()
          .getJsonArray("data");
        attempts = data.isEmpty() ? new JsonArray() : data.getJsonObject(0).getJsonArray("attempts");
      }
      assertThat(attempts).hasSize(1);
      assertThat(attempts.getJsonObject(0).getString("error")).startsWith("target refused");
      assertThat(attempts.getJsonObject(0).getValue("statusCode")).isNull();
      assertThat(rx.next(1)).isNull();
    }
  }
}
