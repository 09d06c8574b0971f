package org.communityplatform.testing;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.Map;
import java.util.function.Supplier;

/**
 * A JUnit 5 extension that starts one real platform per test class (a fresh database in the shared
 * embedded PostgreSQL, a random HTTP port) and stops it after the last test:
 *
 * <pre>
 * &#64;RegisterExtension
 * static final PlatformExtension p = PlatformExtension.with(new JsonObject()...);
 * ...
 * p.get().post("/api/backlog").json(body).send();
 * </pre>
 */
public final class PlatformExtension implements BeforeAllCallback, AfterAllCallback, Supplier<TestPlatform> {

  private final JsonObject overrides;
  private final Map<String, String> env;
  private TestPlatform platform;
  private java.util.function.Consumer<TestPlatform> onStart = t -> { };

  private PlatformExtension(JsonObject overrides, Map<String, String> env) {
    this.overrides = overrides;
    this.env = env;
  }

  /** A platform with the default test configuration. */
  public static PlatformExtension create() {
    return new PlatformExtension(new JsonObject(), Map.of());
  }

  /** A platform with {@code overrides} (nested config, as {@link TestPlatform#start(JsonObject)} takes). */
  public static PlatformExtension with(JsonObject overrides) {
    return new PlatformExtension(overrides, Map.of());
  }

  /** A platform with config overrides and environment variables. */
  public static PlatformExtension with(JsonObject overrides, Map<String, String> env) {
    return new PlatformExtension(overrides, env);
  }

  /**
   * Also hands the platform to {@code onStart} once it runs, before the class's {@code @BeforeAll}
   * methods: {@code PlatformExtension.create().bind(t -> p = t)} sets the class's {@code static TestPlatform p}.
   */
  public PlatformExtension bind(java.util.function.Consumer<TestPlatform> onStart) {
    this.onStart = onStart;
    return this;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    platform = TestPlatform.start(overrides.copy(), env);
    onStart.accept(platform);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (platform != null) {
      platform.close();
      platform = null;
    }
  }

  /** The running platform (between the class's first and last test). */
  @Override
  public TestPlatform get() {
    if (platform == null) {
      throw new IllegalStateException("the platform runs only while the test class runs");
    }
    return platform;
  }
}
