/**
 * The names a project gets from its directory or plugin name: any run of
 * characters that are not letters or digits separates words.
 */

const words = (s: string) => s.split(/[^A-Za-z0-9]+/).filter(Boolean);

/** `My weather-app` → `my_weather_app`, for executable names (gpx_…). */
export const snake = (s: string) => words(s).join("_").toLowerCase();

/** `My weather-app` → `my-weather-app`, for npm package names and ids; never empty. */
export const slug = (s: string) => words(s).join("-").toLowerCase() || "plugin";

/** `my_weather-app` → `My Weather App`, for display names. */
export const titleCase = (s: string) =>
  words(s)
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join(" ");
