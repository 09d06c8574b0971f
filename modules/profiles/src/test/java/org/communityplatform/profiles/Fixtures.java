package org.communityplatform.profiles;

import io.vertx.core.json.JsonObject;
import org.communityplatform.testing.TestPlatform;
import org.communityplatform.testing.TestPlatform.Res;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

/** Shared steps of the profiles tests: everything goes through HTTP as a client would. */
final class Fixtures {

  private Fixtures() {
  }

  /**
   * Config for a platform with the profiles module: fast hashing, a first admin, and throttle
   * limits far above what the tests do from their one client address (the throttle tests set
   * their own).
   */
  static JsonObject config(JsonObject profiles) {
    JsonObject p = new JsonObject().put("bcryptCost", 4).put("firstAdmin", "boss").put("firstAdminOrg", "default");
    p.mergeIn(profiles);
    JsonObject throttle = new JsonObject();
    for (String limit : new String[] {"loginAccount", "loginAccountAll", "loginClient", "registerClient", "registerEmail",
      "verifyMailClient", "verifyMailAddress", "verifyEmailClient", "peopleSearch", "profileUploadsPerUser"}) {
      throttle.put(limit, new JsonObject().put("max", 100_000).put("windowSeconds", 60));
    }
    return new JsonObject().put("modules", new JsonObject().put("profiles", p)).put("throttle", throttle);
  }

  /** Sets one throttle limit ({@code throttle.<name>}) of a config made by {@link #config}; answers the config. */
  static JsonObject withLimit(JsonObject config, String name, int max, int windowSeconds) {
    config.getJsonObject("throttle").put(name, new JsonObject().put("max", max).put("windowSeconds", windowSeconds));
    return config;
  }

  /** Registers a person in {@code org}; answers the session ({tnId, userId, idTag, name, token}). */
  static JsonObject register(TestPlatform p, String org, String tag, String email, String password) {
    JsonObject body = new JsonObject().put("type", "idp").put("idTag", tag).put("email", email).put("token", "x");
    if (password != null) {
      body.put("password", password);
    }
    Res r = p.post("/api/profiles/register").org(org).json(body).send();
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.json().getJsonObject("data");
  }

  static String token(TestPlatform p, String org, String tag) {
    return register(p, org, tag, tag.replace("@", ".") + "@mail.example.org", "correct horse battery").getString("token");
  }

  /** The claims of a JWT, read without checking it (the tests only look). */
  static JsonObject claims(String jwt) {
    return new JsonObject(new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1])));
  }

  static void assertError(Res r, int status, String code) {
    assertThat(r.status()).as(r.toString()).isEqualTo(status);
    JsonObject body = r.json();
    assertThat(body.getJsonObject("error").getString("code")).as(r.toString()).isNotBlank();
    if (code != null) {
      assertThat(body.getJsonObject("error").getString("code")).as(r.toString()).isEqualTo(code);
    }
    assertThat(body.getJsonObject("error").getString("message")).isNotBlank();
    assertThat(body.getString("reqId")).isEqualTo(r.header("x-request-id"));
  }

  /** The {data, time, reqId} envelope: checks time and reqId, answers data. */
  static JsonObject data(Res r, int status) {
    assertThat(r.status()).as(r.toString()).isEqualTo(status);
    JsonObject body = r.json();
    assertThat(body.getString("time")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
    assertThat(body.getString("reqId")).isEqualTo(r.header("x-request-id"));
    return body.getJsonObject("data");
  }

  static byte[] png(int w, int h, Color c) {
    return image("png", w, h, c);
  }

  static byte[] jpeg(int w, int h, Color c) {
    return image("jpg", w, h, c);
  }

  private static byte[] image(String format, int w, int h, Color c) {
    try {
      BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
      var g = img.createGraphics();
      g.setColor(c);
      g.fillRect(0, 0, w, h);
      g.setColor(Color.WHITE);
      g.drawLine(0, 0, w - 1, h - 1);
      g.dispose();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ImageIO.write(img, format, out);
      return out.toByteArray();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
