package org.communityplatform.core.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.communityplatform.core.module.PlatformModule;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The schema of the configuration: the bundled {@code platform.yaml} plus, under
 * {@code modules.<name>}, the {@code <name>/config.yaml} every module ships in its jar.
 *
 * <p>A key's default gives its type. Its comment may add a rule in square brackets, checked before
 * anything starts: {@code [range: 1..65535]} (inclusive; either bound may be left out),
 * {@code [one of: text, json]} (compared ignoring case; the value is stored as listed), or
 * {@code [map]} (a section whose keys are free, e.g. logger names, with string values).
 */
public final class ConfigSchema {

  private static final Pattern KEY_LINE = Pattern.compile("^( *)([A-Za-z0-9_.\\-]+)\\s*:(\\s.*)?$");
  private static final Pattern RANGE = Pattern.compile("\\[range:\\s*(-?\\d+(?:\\.\\d+)?)?\\s*\\.\\.\\s*(-?\\d+(?:\\.\\d+)?)?\\s*]");
  private static final Pattern ONE_OF = Pattern.compile("\\[one of:\\s*([^\\]]+)]");
  private static final String MAP = "[map]";

  /** A rule on one key. */
  record Rule(Double min, Double max, List<String> oneOf, boolean map) {
  }

  private final JsonObject defaults;
  private final Map<String, Rule> rules;

  private ConfigSchema(JsonObject defaults, Map<String, Rule> rules) {
    this.defaults = defaults;
    this.rules = rules;
  }

  /** The defaults (a fresh copy each call): every known key with its default value. */
  public JsonObject defaults() {
    return defaults.copy();
  }

  /** Whether the section at {@code path} (dotted) holds free keys. */
  boolean isMap(String path) {
    Rule r = rules.get(path);
    return r != null && r.map();
  }

  /**
   * Reads the platform's defaults and every module's {@code <name>/config.yaml} found through
   * {@link ServiceLoader} on {@code loader}. A module without one still gets {@code enabled: true}
   * and {@code instances: 1}.
   */
  public static ConfigSchema load(ClassLoader loader) {
    Map<String, Rule> rules = new HashMap<>();
    String platformText = resource(loader, ConfigLoader.DEFAULTS_RESOURCE);
    if (platformText == null) {
      throw new ConfigException("the bundled defaults " + ConfigLoader.DEFAULTS_RESOURCE + " are missing");
    }
    JsonObject defaults = parse(platformText, ConfigLoader.DEFAULTS_RESOURCE);
    rules(platformText, "", rules);
    JsonObject modules = defaults.getJsonObject("modules");
    if (modules == null) {
      modules = new JsonObject();
      defaults.put("modules", modules);
    }
    for (PlatformModule m : ServiceLoader.load(PlatformModule.class, loader)) {
      String name = m.name();
      String file = name + "/config.yaml";
      String text = resource(m.getClass().getClassLoader(), file);
      JsonObject section = new JsonObject().put("enabled", true).put("instances", 1);
      if (text != null) {
        ConfigLoader.deepMerge(section, parse(text, file));
        rules(text, "modules." + name + ".", rules);
      }
      JsonObject existing = modules.getJsonObject(name);
      if (existing != null) {
        ConfigLoader.deepMerge(section, existing);
      }
      modules.put(name, section);
      rules.putIfAbsent("modules." + name + ".instances", new Rule(1d, 256d, null, false));
    }
    return new ConfigSchema(defaults, rules);
  }

  private static String resource(ClassLoader loader, String name) {
    try (InputStream in = loader.getResourceAsStream(name)) {
      return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException("cannot read " + name + ": " + e.getMessage());
    }
  }

  @SuppressWarnings("unchecked")
  private static JsonObject parse(String text, String source) {
    try {
      Object o = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
      return o == null ? new JsonObject() : new JsonObject((Map<String, Object>) o).copy();
    } catch (RuntimeException e) {
      throw new ConfigException(source + " is not valid YAML: " + e.getMessage());
    }
  }

  /** Reads the bracketed rules from the comment block right above each key. */
  static void rules(String text, String prefix, Map<String, Rule> out) {
    List<int[]> stackIndent = new ArrayList<>();
    List<String> stackKey = new ArrayList<>();
    StringBuilder comment = new StringBuilder();
    for (String line : text.split("\n")) {
      String trimmed = line.trim();
      if (trimmed.startsWith("#")) {
        comment.append(' ').append(trimmed);
        continue;
      }
      Matcher m = KEY_LINE.matcher(line);
      if (!m.matches()) {
        comment.setLength(0);
        continue;
      }
      int indent = m.group(1).length();
      while (!stackIndent.isEmpty() && stackIndent.get(stackIndent.size() - 1)[0] >= indent) {
        stackIndent.remove(stackIndent.size() - 1);
        stackKey.remove(stackKey.size() - 1);
      }
      stackIndent.add(new int[] {indent});
      stackKey.add(m.group(2));
      Rule rule = rule(comment.toString());
      if (rule != null) {
        out.put(prefix + String.join(".", stackKey), rule);
      }
      comment.setLength(0);
    }
  }

  private static Rule rule(String comment) {
    Double min = null;
    Double max = null;
    List<String> oneOf = null;
    Matcher r = RANGE.matcher(comment);
    if (r.find()) {
      min = r.group(1) == null ? null : Double.valueOf(r.group(1));
      max = r.group(2) == null ? null : Double.valueOf(r.group(2));
    }
    Matcher o = ONE_OF.matcher(comment);
    if (o.find()) {
      oneOf = Arrays.stream(o.group(1).split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
    boolean map = comment.contains(MAP);
    return min == null && max == null && oneOf == null && !map ? null : new Rule(min, max, oneOf, map);
  }

  /**
   * Checks every ruled key of the final configuration; enum values are stored in their listed
   * spelling. Problems are added to {@code problems}, one per key.
   */
  void check(JsonObject config, List<String> problems) {
    for (Map.Entry<String, Rule> e : new LinkedHashMap<>(rules).entrySet()) {
      String[] path = e.getKey().split("\\.");
      JsonObject parent = config;
      for (int i = 0; i < path.length - 1 && parent != null; i++) {
        parent = parent.getJsonObject(path[i]);
      }
      String key = path[path.length - 1];
      if (parent == null || !parent.containsKey(key)) {
        continue;
      }
      Object v = parent.getValue(key);
      Rule rule = e.getValue();
      if (rule.map()) {
        if (v instanceof JsonObject) {
          for (String k : ((JsonObject) v).fieldNames()) {
            Object item = ((JsonObject) v).getValue(k);
            if (item != null && !(item instanceof String)) {
              ((JsonObject) v).put(k, String.valueOf(item));
            }
          }
        }
        continue;
      }
      if ((rule.min() != null || rule.max() != null) && v instanceof Number) {
        double d = ((Number) v).doubleValue();
        if ((rule.min() != null && d < rule.min()) || (rule.max() != null && d > rule.max())) {
          problems.add("key '" + e.getKey() + "' must be " + bounds(rule) + " but was " + v);
        }
      }
      if (rule.oneOf() != null) {
        List<Object> values = v instanceof JsonArray ? ((JsonArray) v).getList() : List.of(String.valueOf(v));
        JsonArray canonical = new JsonArray();
        boolean ok = true;
        for (Object item : values) {
          String found = rule.oneOf().stream().filter(a -> a.equalsIgnoreCase(String.valueOf(item).trim()))
            .findFirst().orElse(null);
          if (found == null) {
            problems.add("key '" + e.getKey() + "' must be one of " + rule.oneOf() + " but was '" + item + "'");
            ok = false;
          }
          canonical.add(found);
        }
        if (ok) {
          parent.put(key, v instanceof JsonArray ? canonical : canonical.getValue(0));
        }
      }
    }
  }

  private static String bounds(Rule r) {
    String min = r.min() == null ? null : fmt(r.min());
    String max = r.max() == null ? null : fmt(r.max());
    if (min != null && max != null) {
      return "between " + min + " and " + max;
    }
    return min != null ? "at least " + min : "at most " + max;
  }

  private static String fmt(double d) {
    return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d).toLowerCase(Locale.ROOT);
  }
}
