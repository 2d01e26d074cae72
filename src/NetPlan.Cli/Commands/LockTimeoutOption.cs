using System.CommandLine;
using System.Globalization;
using System.Text.RegularExpressions;

namespace NetPlan.Cli.Commands;

/// <summary>
/// <c>--lock-timeout DURATION</c> for apply and destroy: how long to wait for another run's lock on
/// a node. Written like Terraform's (<c>0s</c>, <c>500ms</c>, <c>30s</c>, <c>5m</c>, <c>1h</c>).
/// </summary>
internal static partial class LockTimeoutOption
{
    /// <summary>
    /// One minute, where Terraform's default is 0s: a run that finds another in progress usually
    /// wants to follow it, not to fail; <c>--lock-timeout 0s</c> gives Terraform's behaviour.
    /// </summary>
    public static readonly TimeSpan Default = TimeSpan.FromMinutes(1);

    public static Option<TimeSpan> Create() => new("--lock-timeout")
    {
        Description = "How long to wait for another apply/destroy's lock on a node (e.g. 0s, 30s, 5m)",
        DefaultValueFactory = _ => Default,
        HelpName = "duration",
        CustomParser = result =>
        {
            var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
            if (Parse(text) is { } value) return value;
            result.AddError($"--lock-timeout: '{text}' is not a duration (a number with ms, s, m or h, e.g. 30s)");
            return TimeSpan.Zero;
        },
    };

    public static TimeSpan? Parse(string text)
    {
        var match = DurationPattern().Match(text);
        if (!match.Success) return null;
        var amount = double.Parse(match.Groups["amount"].Value, CultureInfo.InvariantCulture);
        var value = match.Groups["unit"].Value switch
        {
            "ms" => TimeSpan.FromMilliseconds(amount),
            "s" => TimeSpan.FromSeconds(amount),
            "m" => TimeSpan.FromMinutes(amount),
            _ => TimeSpan.FromHours(amount),
        };
        // A day is far beyond any sensible wait; it also keeps the millisecond count on the wire small.
        return value <= TimeSpan.FromDays(1) ? value : null;
    }

    [GeneratedRegex(@"^(?<amount>[0-9]+(\.[0-9]+)?)(?<unit>ms|s|m|h)$")]
    private static partial Regex DurationPattern();
}
