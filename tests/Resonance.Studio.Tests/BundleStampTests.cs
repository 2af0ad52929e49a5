using System.Security.Cryptography;
using System.Text;

namespace Resonance.Studio.Tests;

/// <summary>The committed front-end bundle is built from the committed sources (web/stamp.mjs writes the same hash).</summary>
public sealed class BundleStampTests
{
    static readonly string Web = Path.Combine(Repository.Root, "src", "Resonance.Studio", "web");

    /// <summary>SHA-256 over "path NUL sha256(content) LF" of every source file in ordinal path order (as web/stamp.mjs).</summary>
    static string SourcesHash()
    {
        string[] top = ["package.json", "package-lock.json", "tsconfig.json", "build.mjs", "stamp.mjs", "index.html", "favicon.svg"];
        var files = top.Where(name => File.Exists(Path.Combine(Web, name))).ToList();
        files.AddRange(Directory.EnumerateFiles(Path.Combine(Web, "src"), "*", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(Web, path).Replace('\\', '/')));
        var text = new StringBuilder();
        foreach (string file in files.Order(StringComparer.Ordinal))
            text.Append(file).Append('\0').Append(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(Web, file))))).Append('\n');
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    [Fact]
    public void The_committed_bundle_matches_the_web_sources()
    {
        string stamp = File.ReadAllText(Path.Combine(Repository.Root, "src", "Resonance.Studio", "wwwroot", "bundle.stamp")).Trim();
        Assert.True(stamp == SourcesHash(),
            "src/Resonance.Studio/wwwroot is stale: its sources in web/ changed; run `npm ci && npm run build` in src/Resonance.Studio/web and commit wwwroot.");
    }

    [Fact]
    public void The_bundle_is_in_the_build_output_with_no_outside_address()
    {
        string script = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "wwwroot", "app.js"));
        string page = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "wwwroot", "index.html"));
        Assert.DoesNotMatch("(src|href)=\"(https?:)?//", page);
        Assert.DoesNotContain("cdn.", script + page);
    }
}
