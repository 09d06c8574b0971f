package org.communityplatform.core.config;

/** A configuration problem that stops start-up; its message names the offending key. */
public class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message, null, false, false);
  }
}
