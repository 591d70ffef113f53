namespace Secnet.Config;

/// <summary>
/// A configuration error ("cfgfatal"): printed as <c>config error (FACILITY, FILE:LINE): TEXT</c>,
/// or without the location when none is known, and exits with status 8 (config.md §6).
/// </summary>
public sealed class ConfigException : Exception
{
    public ConfigException(string facility, Location? location, string text)
        : base(Format(facility, location, text))
    {
        Facility = facility;
        Location = location;
        Text = text;
    }

    public string Facility { get; }
    public Location? Location { get; }
    public string Text { get; }

    /// <summary>secnet exits with the phase number of a cfgfatal: always 8 (config.md §5).</summary>
    public int ExitCode => 8;

    public static string Format(string facility, Location? location, string text) =>
        location is null
            ? $"config error ({facility}): {text}"
            : $"config error ({facility}, {location}): {text}";
}
