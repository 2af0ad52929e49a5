using Resonance.Build;

namespace Resonance.Tests.Runtime;

/// <summary>The build step that lets TorchSharp's native library load on a libstdc++ without GLIBCXX_3.4.32.</summary>
public class ElfVersionNeedsTests
{
    const string Version = "GLIBCXX_3.4.32";

    static string PackageCopy()
    {
        string home = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        return Path.Combine(home, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
    }

    static string OutputCopy() => Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");

    [Fact]
    public void The_elf_hash_matches_the_hashes_the_linker_wrote_for_every_version_need()
    {
        var needs = ElfVersionNeeds.ReadNeeds(File.ReadAllBytes(PackageCopy()));
        Assert.True(needs.Count > 5);
        Assert.All(needs, need => Assert.Equal(need.Hash, ElfVersionNeeds.ElfHash(need.Name)));
    }

    [Fact]
    public void The_package_library_needs_the_version_strongly_and_the_output_copy_weakly_where_the_system_lacks_it()
    {
        Assert.True(File.Exists(PackageCopy()), "TorchSharp 0.107.0 is restored: " + PackageCopy());
        var packageNeed = Assert.Single(ElfVersionNeeds.ReadNeeds(File.ReadAllBytes(PackageCopy())), n => n.Name == Version);
        Assert.False(packageNeed.IsWeak); // the NuGet cache is never touched

        string? system = ElfVersionNeeds.FindSystemLibStdCxx();
        Assert.NotNull(system);
        bool systemHasIt = ElfVersionNeeds.ReadDefinitions(File.ReadAllBytes(system)).Contains(Version);
        var outputNeed = Assert.Single(ElfVersionNeeds.ReadNeeds(File.ReadAllBytes(OutputCopy())), n => n.Name == Version);
        Assert.Equal(!systemHasIt, outputNeed.IsWeak);
    }

    [Fact]
    public void Patching_sets_only_the_weak_flag_is_idempotent_and_keeps_the_size()
    {
        using var folder = new TempFolder();
        string copy = Path.Combine(folder.Path, "libLibTorchSharp.so");
        File.Copy(PackageCopy(), copy);
        byte[] before = File.ReadAllBytes(copy);

        var marked = ElfVersionNeeds.PatchFile(copy, [Version], new HashSet<string>());
        Assert.Equal([Version], marked);
        byte[] after = File.ReadAllBytes(copy);
        Assert.Equal(before.Length, after.Length);
        var need = Assert.Single(ElfVersionNeeds.ReadNeeds(after), n => n.Name == Version);
        Assert.True(need.IsWeak);
        int differing = Enumerable.Range(0, before.Length).Count(i => before[i] != after[i]);
        Assert.Equal(1, differing); // one byte of one 16-bit flags field

        Assert.Empty(ElfVersionNeeds.PatchFile(copy, [Version], new HashSet<string>()));
        Assert.Equal(after, File.ReadAllBytes(copy));
    }

    [Fact]
    public void Nothing_changes_where_the_system_library_has_the_version()
    {
        using var folder = new TempFolder();
        string copy = Path.Combine(folder.Path, "libLibTorchSharp.so");
        File.Copy(PackageCopy(), copy);
        Assert.Empty(ElfVersionNeeds.PatchFile(copy, [Version], new HashSet<string> { Version }));
        Assert.Equal(File.ReadAllBytes(PackageCopy()), File.ReadAllBytes(copy));
    }

    [Fact]
    public void A_file_that_is_not_elf_is_refused()
    {
        Assert.Throws<InvalidDataException>(() => ElfVersionNeeds.ReadNeeds(new byte[100]));
    }
}
