package org.communityplatform.core.auth;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.communityplatform.testing.PlatformExtension;
import org.communityplatform.testing.TestPlatform.Res;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A corpus of hostile tokens (RFC 8725's attacks and more), each sent to a protected route as a
 * bearer header and as the {@code __session} cookie: none is accepted and none makes a 5xx.
 */
class TokenCorpusTest {

  static final String SECRET = "corpus-test-secret-corpus-test-secret-0123";
  static final String ISS = "community-platform";
  static final String AUD = "community-platform";
  static final String RSA_ISS = "https://rsa.example.test";
  static final String HS_ISS = "https://hs.example.test";
  static final String HS_SECRET = "external-hs-secret-external-hs-secret-0123";
  static final KeyPair RSA = Jws.rsa();
  static final KeyPair ATTACKER = Jws.rsa();

  @RegisterExtension
  static final PlatformExtension p = PlatformExtension.with(new JsonObject().put("auth", new JsonObject()
    .put("jwt", new JsonObject().put("secret", SECRET))
    .put("externalIssuers", new JsonArray()
      .add(new JsonObject().put("issuer", RSA_ISS).put("key", "rsa").put("algorithm", "RS256").put("publicKey", Jws.pem(RSA))
        .put("audience", "rsa-app"))
      .add(new JsonObject().put("issuer", HS_ISS).put("key", "hs").put("secret", HS_SECRET).put("orgClaim", "tenant")))));

  static long now() {
    return p.get().clock().millis() / 1000;
  }

  static JsonObject platformClaims() {
    return new JsonObject().put("iss", ISS).put("aud", AUD).put("sub", "victim").put("iat", now()).put("exp", now() + 600)
      .put("jti", "j-1").put("org", "default");
  }

  static JsonObject rsaClaims() {
    return new JsonObject().put("iss", RSA_ISS).put("aud", "rsa-app").put("sub", "user_1").put("iat", now())
      .put("exp", now() + 600);
  }

  static JsonObject hsClaims() {
    return new JsonObject().put("iss", HS_ISS).put("sub", "user_2").put("tenant", "default").put("iat", now())
      .put("exp", now() + 600);
  }

  static String platformToken(JsonObject claims) {
    return Jws.hs256(SECRET, claims);
  }

  static String rsaToken(JsonObject claims) {
    return Jws.rs256(RSA, claims);
  }

  static String hsToken(JsonObject claims) {
    return Jws.hs256(HS_SECRET, claims);
  }

  private static JsonObject hdr(String alg) {
    return new JsonObject().put("alg", alg).put("typ", "JWT");
  }

  /** name -> token; every one must be refused. */
  static Map<String, String> corpus() {
    Map<String, String> c = new LinkedHashMap<>();
    Map<String, String> valid = Map.of("platform", platformToken(platformClaims()), "rsa", rsaToken(rsaClaims()),
      "hs", hsToken(hsClaims()));
    Map<String, JsonObject> claims = Map.of("platform", platformClaims(), "rsa", rsaClaims(), "hs", hsClaims());
    for (String base : List.of("platform", "rsa", "hs")) {
      String token = valid.get(base);
      String[] parts = token.split("\\.");
      JsonObject cl = claims.get(base);
      String body = Jws.b64(cl.encode());
      // alg none, in several spellings, with and without a signature
      for (String none : List.of("none", "None", "NONE", "nOnE")) {
        c.put(base + " alg " + none + " unsigned", Jws.b64(hdr(none).encode()) + "." + body + ".");
        c.put(base + " alg " + none + " with old signature", Jws.b64(hdr(none).encode()) + "." + body + "." + parts[2]);
      }
      c.put(base + " no alg", Jws.b64(new JsonObject().put("typ", "JWT").encode()) + "." + body + "." + parts[2]);
      c.put(base + " alg null", Jws.b64(new JsonObject().putNull("alg").encode()) + "." + body + "." + parts[2]);
      c.put(base + " alg number", Jws.b64(new JsonObject().put("alg", 256).encode()) + "." + body + "." + parts[2]);
      // algorithm switched, signature kept
      for (String alg : List.of("HS256", "HS384", "HS512", "RS256", "RS512", "ES256", "PS256", "EdDSA")) {
        if (alg.equals(base.equals("rsa") ? "RS256" : "HS256")) {
          continue;
        }
        c.put(base + " alg switched to " + alg, Jws.b64(hdr(alg).encode()) + "." + body + "." + parts[2]);
      }
      // algorithm confusion: HMAC "signed" with the RSA public key (PEM text and DER bytes)
      for (String alg : List.of("HS256", "HS384", "HS512")) {
        c.put(base + " " + alg + " keyed with the RSA public key PEM",
          Jws.hmac(alg, Jws.pem(RSA).getBytes(StandardCharsets.US_ASCII), hdr(alg), cl));
        c.put(base + " " + alg + " keyed with the RSA public key DER", Jws.hmac(alg, RSA.getPublic().getEncoded(), hdr(alg), cl));
      }
      // signed by someone else
      c.put(base + " RS256 by an attacker key", Jws.rs256(ATTACKER, cl));
      c.put(base + " HS256 by a guessed secret", Jws.hs256("secret", cl));
      c.put(base + " HS256 with an empty secret", Jws.hmac("HS256", new byte[1], hdr("HS256"), cl));
      // bad signatures
      c.put(base + " empty signature", parts[0] + "." + parts[1] + ".");
      c.put(base + " signature of another payload", parts[0] + "." + Jws.b64(cl.copy().put("sub", "other").encode())
        + "." + parts[2]);
      for (int i : new int[] {0, 5, parts[2].length() / 2, parts[2].length() - 2}) {
        char ch = parts[2].charAt(i);
        String flipped = parts[2].substring(0, i) + (ch == 'A' ? 'B' : 'A') + parts[2].substring(i + 1);
        c.put(base + " signature flipped at " + i, parts[0] + "." + parts[1] + "." + flipped);
      }
      c.put(base + " signature reversed", parts[0] + "." + parts[1] + "." + new StringBuilder(parts[2]).reverse());
      // truncated
      for (int cut : new int[] {1, 10, parts[0].length(), parts[0].length() + 1, parts[0].length() + 5,
        token.length() - parts[2].length() - 1, token.length() - parts[2].length(), token.length() - 10, token.length() - 1}) {
        c.put(base + " truncated to " + cut, token.substring(0, cut));
      }
      // time
      c.put(base + " expired", sign(base, cl.copy().put("iat", now() - 7200).put("exp", now() - 3600)));
      c.put(base + " expired beyond the skew", sign(base, cl.copy().put("exp", now() - 31)));
      c.put(base + " no exp", sign(base, without(cl, "exp")));
      c.put(base + " future nbf", sign(base, cl.copy().put("nbf", now() + 3600)));
      c.put(base + " future iat", sign(base, cl.copy().put("iat", now() + 3600)));
      // issuer and audience
      c.put(base + " wrong iss", sign(base, cl.copy().put("iss", "https://evil.example")));
      c.put(base + " iss of the other kind", sign(base, cl.copy().put("iss", base.equals("platform") ? RSA_ISS : ISS)));
      c.put(base + " no iss", sign(base, without(cl, "iss")));
      if (!base.equals("hs")) {
        c.put(base + " wrong aud", sign(base, cl.copy().put("aud", "someone-else")));
        c.put(base + " aud list without ours", sign(base, cl.copy().put("aud", new JsonArray().add("a").add("b"))));
        c.put(base + " no aud", sign(base, without(cl, "aud")));
      }
      // wrongly typed claims, validly signed
      c.put(base + " exp as string", sign(base, cl.copy().put("exp", String.valueOf(now() + 600))));
      c.put(base + " exp as bool", sign(base, cl.copy().put("exp", true)));
      c.put(base + " exp huge", sign(base, cl.copy().put("exp", 1e300)));
      c.put(base + " exp negative", sign(base, cl.copy().put("exp", -1)));
      c.put(base + " exp object", sign(base, cl.copy().put("exp", new JsonObject().put("a", 1))));
      c.put(base + " nbf as string", sign(base, cl.copy().put("nbf", "0")));
      c.put(base + " iat as string", sign(base, cl.copy().put("iat", "now")));
      c.put(base + " aud as number", sign(base, cl.copy().put("aud", 5)));
      c.put(base + " aud list of numbers", sign(base, cl.copy().put("aud", new JsonArray().add(1))));
      c.put(base + " aud object", sign(base, cl.copy().put("aud", new JsonObject())));
      c.put(base + " sub as number", sign(base, cl.copy().put("sub", 42)));
      c.put(base + " sub as list", sign(base, cl.copy().put("sub", new JsonArray().add("a"))));
      c.put(base + " sub null", sign(base, cl.copy().putNull("sub")));
      c.put(base + " sub empty", sign(base, cl.copy().put("sub", "")));
      c.put(base + " sub blank", sign(base, cl.copy().put("sub", "   ")));
      c.put(base + " no sub", sign(base, without(cl, "sub")));
      c.put(base + " iss as list", sign(base, cl.copy().put("iss", new JsonArray().add(cl.getString("iss")))));
      c.put(base + " jti as number", sign(base, cl.copy().put("jti", 7)));
      if (base.equals("platform")) {
        c.put("platform org as number", sign(base, cl.copy().put("org", 5)));
        c.put("platform org not an id", sign(base, cl.copy().put("org", "acme corp!")));
        c.put("platform roles as string", sign(base, cl.copy().put("roles", "admin")));
        c.put("platform roles with a number", sign(base, cl.copy().put("roles", new JsonArray().add(1))));
      }
      if (base.equals("hs")) {
        c.put("hs without its org claim", sign(base, without(cl, "tenant")));
        c.put("hs org claim as number", sign(base, cl.copy().put("tenant", 12)));
      }
      c.put(base + " sub with spaces", sign(base, cl.copy().put("sub", "a b")));
      c.put(base + " sub with a newline", sign(base, cl.copy().put("sub", "a\nb")));
      c.put(base + " sub too long", sign(base, cl.copy().put("sub", "u".repeat(201))));
      // roles added to a token the platform signed: the signature no longer matches
      c.put(base + " roles added", parts[0] + "." + Jws.b64(cl.copy().put("roles", new JsonArray().add("admin")).encode())
        + "." + parts[2]);
      // key material named by the token itself
      for (String param : List.of("jku", "x5u", "jwk", "x5c", "crit")) {
        Object v = switch (param) {
          case "jwk" -> Jws.jwk(ATTACKER, "evil");
          case "x5c" -> new JsonArray().add("MIIB");
          case "crit" -> new JsonArray().add("exp");
          default -> "http://127.0.0.1:1/keys.json";
        };
        c.put(base + " " + param + " injected, attacker-signed", Jws.rs256(ATTACKER.getPrivate(),
          hdr("RS256").put(param, v).put("kid", "evil"), cl));
        c.put(base + " " + param + " injected, validly signed", signWithHeader(base, cl, param, v));
      }
      for (String kid : List.of("../../../../dev/null", "' OR 1=1 --", "http://evil.example/k", "x".repeat(300))) {
        c.put(base + " kid " + kid.substring(0, Math.min(20, kid.length())) + " attacker-signed",
          Jws.rs256(ATTACKER.getPrivate(), hdr("RS256").put("kid", kid), cl));
      }
      c.put(base + " kid as number, validly signed", signWithHeader(base, cl, "kid", 5));
      // non-canonical encodings of a valid token
      c.put(base + " padded header", parts[0] + "==." + parts[1] + "." + parts[2]);
      c.put(base + " padded signature", parts[0] + "." + parts[1] + "." + parts[2] + "=");
      c.put(base + " standard base64 alphabet", toStd(token));
      c.put(base + " four parts", token + ".e30");
      c.put(base + " two parts", parts[0] + "." + parts[1]);
      c.put(base + " trailing dot", token + ".");
      c.put(base + " leading dot", "." + token);
      c.put(base + " space inside", parts[0] + ". " + parts[1] + "." + parts[2]);
      c.put(base + " tab inside", parts[0] + ".\t" + parts[1] + "." + parts[2]);
      c.put(base + " percent-encoded dot", parts[0] + "%2E" + parts[1] + "." + parts[2]);
      c.put(base + " non-zero trailing bits", parts[0] + "." + parts[1] + "." + trailingBits(parts[2]));
      c.put(base + " header not json", Jws.b64("alg=HS256") + "." + parts[1] + "." + parts[2]);
      c.put(base + " header a json array", Jws.b64("[\"HS256\"]") + "." + parts[1] + "." + parts[2]);
      c.put(base + " payload not json", parts[0] + "." + Jws.b64("sub=victim") + "." + parts[2]);
      c.put(base + " payload a json string", parts[0] + "." + Jws.b64("\"victim\"") + "." + parts[2]);
      c.put(base + " payload not utf-8", parts[0] + "." + Jws.b64(new byte[] {(byte) 0xff, (byte) 0xfe, '{', '}'}) + "." + parts[2]);
      c.put(base + " JWE-shaped", parts[0] + "." + parts[1] + "." + parts[2] + ".aaaa.bbbb");
      // 100 KB
      c.put(base + " 100 KB", sign(base, cl.copy().put("pad", "x".repeat(100_000))));
    }
    c.put("empty", "");
    c.put("dots", "..");
    c.put("garbage", "not-a-token");
    c.put("only base64", Base64.getUrlEncoder().withoutPadding().encodeToString("hello".getBytes(StandardCharsets.UTF_8)));
    return c;
  }

  private static JsonObject without(JsonObject o, String key) {
    JsonObject c = o.copy();
    c.remove(key);
    return c;
  }

  private static String sign(String base, JsonObject claims) {
    return switch (base) {
      case "platform" -> platformToken(claims);
      case "rsa" -> rsaToken(claims);
      default -> hsToken(claims);
    };
  }

  private static String signWithHeader(String base, JsonObject claims, String param, Object value) {
    return switch (base) {
      case "platform" -> Jws.hmac("HS256", SECRET.getBytes(StandardCharsets.UTF_8), hdr("HS256").put(param, value), claims);
      case "rsa" -> Jws.rs256(RSA.getPrivate(), hdr("RS256").put(param, value), claims);
      default -> Jws.hmac("HS256", HS_SECRET.getBytes(StandardCharsets.UTF_8), hdr("HS256").put(param, value), claims);
    };
  }

  private static String toStd(String token) {
    String t = token.replace('-', '+').replace('_', '/');
    // make sure it differs from the original: append a '+' inside the signature if no char changed
    return t.equals(token) ? token.substring(0, token.length() - 1) + "+" : t;
  }

  /** The same bytes, but the last character's unused low bits set: decodes equally, spelt differently. */
  private static String trailingBits(String part) {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    int rem = part.length() % 4;
    if (rem == 0) {
      return part + "A";
    }
    int unused = rem == 2 ? 4 : 2;
    int last = alphabet.indexOf(part.charAt(part.length() - 1));
    int changed = last | ((1 << unused) - 1);
    return part.substring(0, part.length() - 1) + alphabet.charAt(changed);
  }

  @Test
  void theValidTokensOfEachIssuerAreAccepted() {
    assertThat(p.get().get("/probe/whoami").bearer(platformToken(platformClaims())).send().status()).isEqualTo(200);
    assertThat(p.get().get("/probe/whoami").bearer(rsaToken(rsaClaims())).send().status()).isEqualTo(200);
    assertThat(p.get().get("/probe/whoami").bearer(hsToken(hsClaims())).send().status()).isEqualTo(200);
    assertThat(p.get().get("/probe/whoami").header("Cookie", "__session=" + platformToken(platformClaims())).send().status())
      .isEqualTo(200);
  }

  @Test
  void noMutatedTokenIsAcceptedAndNoneMakesA5xx() {
    Map<String, String> corpus = corpus();
    assertThat(corpus).hasSizeGreaterThanOrEqualTo(200);
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, String> e : corpus.entrySet()) {
      String token = e.getValue();
      List<Res> answers = new ArrayList<>();
      if (token.chars().allMatch(ch -> ch > 0x20 && ch < 0x7f || ch == ' ' || ch == '\t')) {
        answers.add(p.get().get("/probe/whoami").header("Authorization", "Bearer " + token).send());
      }
      if (token.chars().allMatch(ch -> ch > 0x20 && ch < 0x7f && ch != ';' && ch != ',' && ch != '"' && ch != '\\')) {
        answers.add(p.get().get("/probe/whoami").header("Cookie", "__session=" + token).send());
      }
      for (Res r : answers) {
        if (r.status() < 400 || r.status() >= 500) {
          problems.add(e.getKey() + " -> " + r);
        } else if (r.status() == 401 && !"unauthorized".equals(r.errorCode())) {
          problems.add(e.getKey() + " -> not the error shape: " + r);
        }
      }
      if (answers.isEmpty()) {
        problems.add(e.getKey() + " could not be sent at all");
      }
    }
    System.out.printf("[token-corpus] %d tokens, each over the bearer header and the __session cookie%n", corpus.size());
    assertThat(problems).isEmpty();
  }
}
