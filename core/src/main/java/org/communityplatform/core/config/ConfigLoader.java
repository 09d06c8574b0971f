package org.communityplatform.core.config;

import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Loads the platform configuration with vertx-config.
 *
 * <p>The bundled {@code config/platform.yaml} is both the defaults and the schema: every key it
 * names is known, and the type of its default is the type the key must have. On top of it come an
 * optional YAML file ({@code --config FILE}, {@code PLATFORM_CONFIG}, or {@code ./config/platform.yaml}),
 * then {@code PLATFORM_*} environment variables, then {@code -Dplatform.*} system properties.
 */
public final class ConfigLoader {

  /** Classpath location of the bundled defaults (copied from config/platform.yaml at build time). */
  public static final String DEFAULTS_RESOURCE = "community-platform/platform.yaml";
  static final String ENV_PREFIX = "PLATFORM_";
  static final String SYS_PREFIX = "platform.";

  private ConfigLoader() {
  }

  /**
   * Loads the configuration.
   *
   * @param vertx     a Vert.x instance to read files with
   * @param file      the overlay file, or null to use PLATFORM_CONFIG or ./config/platform.yaml when present
   * @param env       environment variables
   * @param sysProps  system properties
   * @param overrides last-word overrides given programmatically (tests, embedding), nested JSON
   */
  public static Future<JsonObject> load(Vertx vertx, String file, Map<String, String> env, Properties sysProps,
                                        JsonObject overrides) {
    ConfigSchema schema;
    try {
      schema = ConfigSchema.load(ConfigLoader.class.getClassLoader());
    } catch (ConfigException e) {
      return Future.failedFuture(e);
    }
    ConfigRetrieverOptions options = new ConfigRetrieverOptions().setScanPeriod(-1);
    String overlay = file != null ? file : env.get("PLATFORM_CONFIG");
    if (overlay != null && !overlay.isBlank()) {
      if (!Files.isRegularFile(Path.of(overlay))) {
        return Future.failedFuture(new ConfigException("configuration file not found: " + overlay));
      }
      options.addStore(yaml(overlay, false));
    } else if (Files.isRegularFile(Path.of("config", "platform.yaml"))) {
      options.addStore(yaml(Path.of("config", "platform.yaml").toString(), true));
    }
    Future<JsonObject> overlayFuture;
    if (options.getStores().isEmpty()) {
      overlayFuture = Future.succeededFuture(new JsonObject());
    } else {
      ConfigRetriever retriever = ConfigRetriever.create(vertx, options);
      overlayFuture = retriever.getConfig().onComplete(x -> retriever.close());
    }
    return overlayFuture.map(fromFile -> {
      JsonObject defaults = schema.defaults();
      JsonObject result = schema.defaults();
      List<String> problems = new ArrayList<>();
      JsonObject o1 = fromFile.copy();
      checkTree(schema, defaults, o1, "", problems);
      deepMerge(result, o1);
      applyEnv(schema, defaults, result, env, problems);
      applySystemProperties(schema, defaults, result, sysProps, problems);
      if (overrides != null) {
        JsonObject o = overrides.copy();
        checkTree(schema, defaults, o, "", problems);
        deepMerge(result, o);
      }
      // ranges and allowed values: checked on the final values, all problems reported together
      schema.check(result, problems);
      if (!problems.isEmpty()) {
        throw new ConfigException("invalid configuration (" + problems.size() + " problem"
          + (problems.size() == 1 ? "" : "s") + "): " + String.join("; ", problems));
      }
      return result;
    }).recover(err -> {
      if (err instanceof ConfigException) {
        return Future.failedFuture(err);
      }
      if (err instanceof DecodeException || err.getCause() instanceof DecodeException) {
        return Future.failedFuture(new ConfigException("configuration file is not valid YAML: " + err.getMessage()));
      }
      return Future.failedFuture(new ConfigException("cannot read configuration: " + err.getMessage()));
    });
  }

  private static ConfigStoreOptions yaml(String path, boolean optional) {
    return new ConfigStoreOptions().setType("file").setFormat("yaml").setOptional(optional)
      .setConfig(new JsonObject().put("path", path));
  }

  /** Checks that every key of {@code actual} is known to {@code schema} and has the schema's type. */
  static void checkTree(ConfigSchema rules, JsonObject schema, JsonObject actual, String prefix, List<String> problems) {
    for (String key : new ArrayList<>(actual.fieldNames())) {
      String path = prefix + key;
      if (!schema.containsKey(key)) {
        problems.add("unknown key '" + path + "'");
        continue;
      }
      Object def = schema.getValue(key);
      Object val = actual.getValue(key);
      if (def instanceof JsonObject && val instanceof JsonObject) {
        if (!rules.isMap(path)) {
          checkTree(rules, (JsonObject) def, (JsonObject) val, path + ".", problems);
        }
      } else {
        Object coerced = coerce(def, val);
        if (coerced == INVALID) {
          problems.add("key '" + path + "' must be " + typeName(def) + " but was '" + val + "'");
        } else {
          actual.put(key, coerced);
        }
      }
    }
  }

  private static final Object INVALID = new Object();

  /** Coerces a value to the type of the default; YAML and env strings like "8080" or "true" are accepted. */
  static Object coerce(Object def, Object val) {
    if (val == null) {
      return def instanceof String || def == null ? null : INVALID;
    }
    if (def == null || def instanceof String) {
      return (val instanceof String || val instanceof Number || val instanceof Boolean) ? val.toString() : INVALID;
    }
    if (def instanceof Boolean) {
      if (val instanceof Boolean) {
        return val;
      }
      if (val instanceof String) {
        String s = ((String) val).trim().toLowerCase(Locale.ROOT);
        if (s.equals("true") || s.equals("false")) {
          return Boolean.parseBoolean(s);
        }
      }
      return INVALID;
    }
    if (def instanceof Integer || def instanceof Long) {
      if (val instanceof Integer || val instanceof Long) {
        return ((Number) val).longValue() == ((Number) val).intValue() ? ((Number) val).intValue() : val;
      }
      if (val instanceof String) {
        try {
          long l = Long.parseLong(((String) val).trim());
          return l == (int) l ? (Object) (int) l : (Object) l;
        } catch (NumberFormatException e) {
          return INVALID;
        }
      }
      return INVALID;
    }
    if (def instanceof Number) {
      if (val instanceof Number) {
        return ((Number) val).doubleValue();
      }
      if (val instanceof String) {
        try {
          return Double.parseDouble(((String) val).trim());
        } catch (NumberFormatException e) {
          return INVALID;
        }
      }
      return INVALID;
    }
    if (def instanceof JsonArray) {
      if (val instanceof JsonArray) {
        return val;
      }
      if (val instanceof String) {
        String s = ((String) val).trim();
        if (s.startsWith("[")) {
          try {
            return new JsonArray(s);
          } catch (DecodeException e) {
            return INVALID;
          }
        }
        JsonArray arr = new JsonArray();
        for (String part : s.split(",")) {
          if (!part.isBlank()) {
            arr.add(part.trim());
          }
        }
        return arr;
      }
      return INVALID;
    }
    if (def instanceof JsonObject) {
      if (val instanceof String && ((String) val).trim().startsWith("{")) {
        try {
          return new JsonObject((String) val);
        } catch (DecodeException e) {
          return INVALID;
        }
      }
      return INVALID;
    }
    return INVALID;
  }

  private static String typeName(Object def) {
    if (def instanceof Boolean) {
      return "true or false";
    }
    if (def instanceof Integer || def instanceof Long) {
      return "a whole number";
    }
    if (def instanceof Number) {
      return "a number";
    }
    if (def instanceof JsonArray) {
      return "a list";
    }
    if (def instanceof JsonObject) {
      return "a section";
    }
    return "a string";
  }

  private static void applyEnv(ConfigSchema rules, JsonObject schema, JsonObject target, Map<String, String> env, List<String> problems) {
    env.entrySet().stream()
      .filter(e -> e.getKey().startsWith(ENV_PREFIX) && !e.getKey().equals("PLATFORM_CONFIG"))
      .sorted(Map.Entry.comparingByKey())
      .forEach(e -> {
        String rest = e.getKey().substring(ENV_PREFIX.length());
        List<String> path = resolve(schema, rest.split("_"), 0);
        if (path == null) {
          problems.add("unknown key in environment variable " + e.getKey());
        } else {
          set(schema, target, path, e.getValue(), e.getKey(), problems);
        }
      });
  }

  private static void applySystemProperties(ConfigSchema rules, JsonObject schema, JsonObject target, Properties props,
                                            List<String> problems) {
    props.stringPropertyNames().stream().filter(k -> k.startsWith(SYS_PREFIX)).sorted().forEach(k -> {
      String[] parts = k.substring(SYS_PREFIX.length()).split("\\.");
      List<String> path = new ArrayList<>();
      JsonObject node = schema;
      for (int i = 0; i < parts.length; i++) {
        if (!path.isEmpty() && rules.isMap(String.join(".", path)) && node != null) {
          // a free map (logger names contain dots): the rest of the property is one key
          JsonObject map = target;
          for (String p : path) {
            map = map.getJsonObject(p);
          }
          map.put(String.join(".", java.util.Arrays.copyOfRange(parts, i, parts.length)), props.getProperty(k));
          return;
        }
        String found = node == null ? null : findKey(node, parts[i]);
        if (found == null) {
          path = null;
          break;
        }
        path.add(found);
        Object next = node.getValue(found);
        node = next instanceof JsonObject ? (JsonObject) next : null;
        if (node == null && i < parts.length - 1) {
          path = null;
          break;
        }
      }
      if (path == null) {
        problems.add("unknown key in system property " + k);
      } else {
        set(schema, target, path, props.getProperty(k), "-D" + k, problems);
      }
    });
  }

  private static String findKey(JsonObject node, String name) {
    for (String k : node.fieldNames()) {
      if (k.equalsIgnoreCase(name)) {
        return k;
      }
    }
    return null;
  }

  /**
   * Resolves env segments (upper case, split on '_') to a key path; a key may span several segments
   * when its name itself contains '_'.
   */
  static List<String> resolve(JsonObject node, String[] segs, int from) {
    for (int to = from + 1; to <= segs.length; to++) {
      String candidate = String.join("_", java.util.Arrays.copyOfRange(segs, from, to));
      String key = findKey(node, candidate);
      if (key == null) {
        continue;
      }
      Object child = node.getValue(key);
      if (to == segs.length) {
        List<String> path = new ArrayList<>();
        path.add(key);
        return path;
      }
      if (child instanceof JsonObject) {
        List<String> rest = resolve((JsonObject) child, segs, to);
        if (rest != null) {
          rest.add(0, key);
          return rest;
        }
      }
    }
    return null;
  }

  private static void set(JsonObject schema, JsonObject target, List<String> path, String raw, String source,
                          List<String> problems) {
    JsonObject s = schema;
    JsonObject t = target;
    for (int i = 0; i < path.size() - 1; i++) {
      s = s.getJsonObject(path.get(i));
      JsonObject next = t.getJsonObject(path.get(i));
      if (next == null) {
        next = new JsonObject();
        t.put(path.get(i), next);
      }
      t = next;
    }
    String last = path.get(path.size() - 1);
    Object coerced = coerce(s.getValue(last), raw);
    if (coerced == INVALID) {
      problems.add("key '" + String.join(".", path) + "' (from " + source + ") must be "
        + typeName(s.getValue(last)) + " but was '" + raw + "'");
    } else {
      t.put(last, coerced);
    }
  }

  static void deepMerge(JsonObject target, JsonObject source) {
    for (String key : source.fieldNames()) {
      Object v = source.getValue(key);
      Object existing = target.getValue(key);
      if (v instanceof JsonObject && existing instanceof JsonObject) {
        deepMerge((JsonObject) existing, (JsonObject) v);
      } else {
        target.put(key, v);
      }
    }
  }
}
