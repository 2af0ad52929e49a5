using System.Text.Json.Nodes;

namespace Resonance.Studio;

/// <summary>
/// The run list as pushed to pages: read again at most once per interval however many pages ask, with a version that
/// changes only when the list does (so a page is sent the list only when something changed).
/// </summary>
public sealed class RunListWatcher(RunViews views, TimeSpan interval, TimeProvider? time = null)
{
    readonly Lock gate = new();
    readonly TimeProvider clock = time ?? TimeProvider.System;
    long readAt = long.MinValue;
    string text = "";
    long version;

    /// <summary>The list's JSON and its version (increasing by one each time the list changes).</summary>
    public (long Version, string Json) Current()
    {
        lock (gate)
        {
            long now = clock.GetTimestamp();
            if (readAt != long.MinValue && clock.GetElapsedTime(readAt, now) < interval) return (version, text);
            readAt = now;
            string fresh = new JsonObject { ["type"] = "runs", ["runs"] = views.List() }.ToJsonString(Messages.Json);
            if (fresh != text)
            {
                text = fresh;
                version++;
            }
            return (version, text);
        }
    }

    /// <summary>Makes the next <see cref="Current"/> read the folder again (a run was started or ended here).</summary>
    public void Invalidate()
    {
        lock (gate) readAt = long.MinValue;
    }
}
