using System.Globalization;

namespace TempoModular.Worklogs.Worklog;

internal static class WorklogIds
{
    /// <summary>A worklog id from a URL segment: digits only, positive, within long.</summary>
    public static bool TryParse(string value, out long id) =>
        long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out id) && id > 0;
}
