// Marks a symbol-version need of an ELF shared object as weak (VER_FLG_WEAK in .gnu.version_r),
// so the dynamic loader accepts a system library that lacks that version.
//
// Written by hand because no maintained .NET library edits ELF version sections: LibObjectFile reads
// them but rewrites the whole file, and patchelf/objcopy are native tools we may not assume.
// The edit is one 16-bit flag in place; file size and layout are unchanged.
//
// This file is compiled twice: by MSBuild's RoslynCodeTaskFactory (build/TorchSharpNative.targets),
// where the task class at the bottom is included, and by the test project, which defines
// RESONANCE_ELF_TESTS and tests ElfVersionNeeds directly.
#nullable enable
using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace Resonance.Build
{
    /// <summary>Reads and edits the GNU symbol-versioning sections of a 64-bit little-endian ELF file.</summary>
    public static class ElfVersionNeeds
    {
        const uint ShtGnuVerdef = 0x6ffffffd;
        const uint ShtGnuVerneed = 0x6ffffffe;
        /// <summary>VER_FLG_WEAK: a missing version is a warning, not a load failure.</summary>
        public const ushort VerFlagWeak = 0x2;

        /// <summary>One version need: the library it is needed from, its name, flags and the file offset of the flags.</summary>
        public readonly struct Need
        {
            public Need(string file, string name, uint hash, ushort flags, long flagsOffset)
            {
                File = file; Name = name; Hash = hash; Flags = flags; FlagsOffset = flagsOffset;
            }
            public string File { get; }
            public string Name { get; }
            public uint Hash { get; }
            public ushort Flags { get; }
            public long FlagsOffset { get; }
            public bool IsWeak => (Flags & VerFlagWeak) != 0;
        }

        /// <summary>The SysV ELF hash used by vna_hash and vd_hash.</summary>
        public static uint ElfHash(string name)
        {
            uint h = 0;
            foreach (byte b in Encoding.ASCII.GetBytes(name))
            {
                h = (h << 4) + b;
                uint g = h & 0xf0000000;
                if (g != 0) h ^= g >> 24;
                h &= ~g;
            }
            return h;
        }

        /// <summary>All entries of .gnu.version_r.</summary>
        public static List<Need> ReadNeeds(byte[] elf)
        {
            var needs = new List<Need>();
            foreach (var section in Sections(elf, ShtGnuVerneed))
            {
                long entry = section.Offset;
                for (uint i = 0; i < section.Info; i++)
                {
                    ushort count = U16(elf, entry + 2);
                    string file = Str(elf, section.Strings, U32(elf, entry + 4));
                    long aux = entry + U32(elf, entry + 8);
                    for (ushort j = 0; j < count; j++)
                    {
                        needs.Add(new Need(file, Str(elf, section.Strings, U32(elf, aux + 8)), U32(elf, aux), U16(elf, aux + 4), aux + 4));
                        aux += U32(elf, aux + 12);
                    }
                    uint next = U32(elf, entry + 12);
                    if (next == 0) break;
                    entry += next;
                }
            }
            return needs;
        }

        /// <summary>All version names a library defines (.gnu.version_d), e.g. GLIBCXX_3.4.30.</summary>
        public static HashSet<string> ReadDefinitions(byte[] elf)
        {
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var section in Sections(elf, ShtGnuVerdef))
            {
                long entry = section.Offset;
                for (uint i = 0; i < section.Info; i++)
                {
                    long aux = entry + U32(elf, entry + 12);
                    names.Add(Str(elf, section.Strings, U32(elf, aux)));
                    uint next = U32(elf, entry + 16);
                    if (next == 0) break;
                    entry += next;
                }
            }
            return names;
        }

        /// <summary>
        /// Sets VER_FLG_WEAK on the need for <paramref name="version"/> (matched by name and hash).
        /// Returns how many entries changed: 0 when already weak or not needed at all (idempotent).
        /// </summary>
        public static int MarkWeak(byte[] elf, string version)
        {
            uint hash = ElfHash(version);
            int changed = 0;
            foreach (var need in ReadNeeds(elf))
            {
                if (need.Name != version || need.Hash != hash || need.IsWeak) continue;
                ushort flags = (ushort)(need.Flags | VerFlagWeak);
                elf[need.FlagsOffset] = (byte)flags;
                elf[need.FlagsOffset + 1] = (byte)(flags >> 8);
                changed++;
            }
            return changed;
        }

        /// <summary>
        /// Patches <paramref name="path"/> so that each of <paramref name="versions"/> the system library lacks is a weak need.
        /// The new bytes go to a temp file renamed over the old one, which also breaks any hard link into a package cache.
        /// The original modification time is kept so incremental copies see the file as up to date.
        /// </summary>
        public static IReadOnlyList<string> PatchFile(string path, IEnumerable<string> versions, ISet<string> systemDefinitions)
        {
            byte[] elf = File.ReadAllBytes(path);
            var marked = new List<string>();
            foreach (string version in versions)
                if (!systemDefinitions.Contains(version) && MarkWeak(elf, version) > 0)
                    marked.Add(version);
            if (marked.Count == 0) return marked;

            DateTime modified = File.GetLastWriteTimeUtc(path);
            string temp = path + ".weak-" + Guid.NewGuid().ToString("N") + ".tmp";
            try
            {
                File.Copy(path, temp, overwrite: true); // a copy carries the file mode over
                using (var stream = new FileStream(temp, FileMode.Truncate, FileAccess.Write))
                    stream.Write(elf, 0, elf.Length);
                File.SetLastWriteTimeUtc(temp, modified);
                File.Replace(temp, path, null); // a rename: atomic, and it detaches a hard-linked copy
            }
            finally
            {
                if (File.Exists(temp)) File.Delete(temp);
            }
            return marked;
        }

        /// <summary>The first libstdc++.so.6 found in the usual system library folders, or null.</summary>
        public static string? FindSystemLibStdCxx()
        {
            string[] folders =
            {
                "/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu",
                "/lib/aarch64-linux-gnu", "/usr/lib64", "/lib64", "/usr/lib", "/lib",
            };
            foreach (string folder in folders)
            {
                string candidate = Path.Combine(folder, "libstdc++.so.6");
                if (File.Exists(candidate)) return candidate;
            }
            return null;
        }

        readonly struct Section
        {
            public Section(long offset, uint info, long strings) { Offset = offset; Info = info; Strings = strings; }
            public long Offset { get; }
            public uint Info { get; }
            public long Strings { get; }
        }

        static IEnumerable<Section> Sections(byte[] elf, uint type)
        {
            if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
                throw new InvalidDataException("not an ELF file");
            if (elf[4] != 2 || elf[5] != 1)
                throw new InvalidDataException("only 64-bit little-endian ELF files are supported");
            long sectionTable = (long)U64(elf, 0x28);
            ushort entrySize = U16(elf, 0x3a);
            ushort count = U16(elf, 0x3c);
            for (int i = 0; i < count; i++)
            {
                long header = sectionTable + (long)i * entrySize;
                if (U32(elf, header + 4) != type) continue;
                uint link = U32(elf, header + 0x28);
                long stringsHeader = sectionTable + (long)link * entrySize;
                yield return new Section((long)U64(elf, header + 0x18), U32(elf, header + 0x2c), (long)U64(elf, stringsHeader + 0x18));
            }
        }

        static ushort U16(byte[] b, long o) => (ushort)(b[o] | b[o + 1] << 8);
        static uint U32(byte[] b, long o) => (uint)(b[o] | b[o + 1] << 8 | b[o + 2] << 16 | b[o + 3] << 24);
        static ulong U64(byte[] b, long o) => U32(b, o) | (ulong)U32(b, o + 4) << 32;

        static string Str(byte[] b, long table, uint index)
        {
            long start = table + index, end = start;
            while (b[end] != 0) end++;
            return Encoding.ASCII.GetString(b, (int)start, (int)(end - start));
        }
    }
}

#if !RESONANCE_ELF_TESTS
namespace Resonance.Build
{
    /// <summary>MSBuild task: makes the listed libstdc++ version needs weak in native libraries under a folder.</summary>
    public sealed class MarkWeakVersionNeeds : Microsoft.Build.Utilities.Task
    {
        /// <summary>Folder searched recursively (the build or publish output).</summary>
        [Microsoft.Build.Framework.Required] public string Directory { get; set; } = "";
        /// <summary>File name of the native libraries to patch, e.g. libLibTorchSharp.so.</summary>
        [Microsoft.Build.Framework.Required] public string FileName { get; set; } = "";
        /// <summary>Semicolon-separated version names, e.g. GLIBCXX_3.4.32.</summary>
        [Microsoft.Build.Framework.Required] public string Versions { get; set; } = "";

        public override bool Execute()
        {
            if (!System.Runtime.InteropServices.RuntimeInformation.IsOSPlatform(System.Runtime.InteropServices.OSPlatform.Linux) || !System.IO.Directory.Exists(Directory)) return true;
            string? system = ElfVersionNeeds.FindSystemLibStdCxx();
            if (system == null)
            {
                Log.LogMessage(Microsoft.Build.Framework.MessageImportance.High, "libstdc++.so.6 not found in the system library folders; native libraries left as they are.");
                return true;
            }
            var definitions = ElfVersionNeeds.ReadDefinitions(System.IO.File.ReadAllBytes(system));
            var versions = Versions.Split(new[] { ';' }, StringSplitOptions.RemoveEmptyEntries);
            foreach (string file in System.IO.Directory.EnumerateFiles(Directory, FileName, SearchOption.AllDirectories))
            {
                var marked = ElfVersionNeeds.PatchFile(file, versions, definitions);
                if (marked.Count > 0)
                    Log.LogMessage(Microsoft.Build.Framework.MessageImportance.High, $"{file}: marked {string.Join(", ", marked)} weak ({system} lacks it)");
            }
            return true;
        }
    }
}
#endif
