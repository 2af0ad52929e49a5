using Resonance.Runtime;
using static TorchSharp.torch;

namespace Resonance.Data;

/// <summary>The corruptions of the robustness studies (<c>corruption.kind</c>).</summary>
public enum CorruptionKind
{
    /// <summary>The clean image.</summary>
    None,
    /// <summary>Additive Gaussian noise of standard deviation <c>σ</c> (severity), clipped to [0, 1].</summary>
    GaussianNoise,
    /// <summary>Impulse noise: a fraction <c>p</c> (severity) of the pixels, chosen at random, set to 1 (salt) or 0 (pepper)
    /// with equal odds. <c>p = 0.17</c> is MNIST-C's impulse noise at severity 4.</summary>
    SaltAndPepper,
    /// <summary>One square patch of zeros covering a fraction <c>f</c> (severity) of the image, at a random position per image.</summary>
    RandomOcclusion,
    /// <summary>The bottom half of the image set to zero (severity unused).</summary>
    HalfOcclusion,
}

/// <summary>One corruption at one severity: <c>σ</c>, <c>p</c> or <c>f</c> by kind (see <see cref="CorruptionKind"/>).</summary>
/// <param name="Kind">What is done to the image.</param>
/// <param name="Severity">Gaussian noise: <c>σ ≥ 0</c>; salt and pepper: <c>p</c> in [0, 1]; random occlusion: <c>f</c> in
/// [0, 1]; ignored by <see cref="CorruptionKind.None"/> and <see cref="CorruptionKind.HalfOcclusion"/>.</param>
public sealed record Corruption(CorruptionKind Kind, double Severity = 0)
{
    /// <summary>Refuses a severity outside the kind's range.</summary>
    /// <param name="key">The key the severity was read from, for the message (<c>corruption.severity</c>).</param>
    /// <exception cref="UserInputException">The severity is out of range.</exception>
    public void Validate(string key = "corruption.severity")
    {
        if (!Enum.IsDefined(Kind)) throw new UserInputException($"corruption.kind: unknown corruption {(int)Kind}.");
        bool ok = Kind switch
        {
            CorruptionKind.GaussianNoise => Severity >= 0 && double.IsFinite(Severity),
            CorruptionKind.SaltAndPepper or CorruptionKind.RandomOcclusion => Severity is >= 0 and <= 1,
            _ => true,
        };
        if (!ok)
            throw new UserInputException(Kind == CorruptionKind.GaussianNoise
                ? $"{key}: the noise's standard deviation must be a finite number >= 0 (0.1 to 0.5 are typical), got {Severity}."
                : $"{key}: {(Kind == CorruptionKind.SaltAndPepper ? "the fraction of pixels hit" : "the fraction of the image covered")} must lie in [0, 1], got {Severity}.");
    }

    /// <summary>A short name for tables: <c>gaussian-noise 0.3</c>, <c>half-occlusion</c>.</summary>
    public override string ToString() => Kind switch
    {
        CorruptionKind.None => "clean",
        CorruptionKind.HalfOcclusion => "half-occlusion",
        CorruptionKind.GaussianNoise => $"gaussian-noise {Number}",
        CorruptionKind.SaltAndPepper => $"salt-and-pepper {Number}",
        _ => $"random-occlusion {Number}",
    };

    string Number => Severity.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>Seeded corruptions of images with intensities in [0, 1] (the robustness studies' noise, impulse noise and
/// occlusions), generated in code.</summary>
/// <remarks>
/// <code>
/// Gaussian noise:     x' = clamp(x + σ z, 0, 1),       z ~ N(0, 1) per pixel
/// salt and pepper:    x' = 1 with probability p/2, 0 with probability p/2, else x      (per pixel)
/// random occlusion:   x' = 0 on a k × k square, k = round(√f · min(H, W)), top-left corner uniform over the positions
///                     where it fits, one position per image
/// half occlusion:     x' = 0 on rows ⌊H/2⌋..H−1
/// </code>
/// Every number is drawn on the CPU from a generator seeded by the caller, so one seed gives the same corrupted images
/// on every device and in every run.
/// </remarks>
public static class ImageCorruptions
{
    /// <summary>Corrupts a batch of images.</summary>
    /// <param name="images"><c>(batch, H, W)</c>, intensities in [0, 1]; left unchanged.</param>
    /// <param name="corruption">What and how much (validated here).</param>
    /// <param name="seed">Seed of the corruption's draws.</param>
    /// <returns>A new tensor, <c>(batch, H, W)</c>, same dtype and device.</returns>
    /// <exception cref="UserInputException">The severity is out of range.</exception>
    public static Tensor Apply(Tensor images, Corruption corruption, long seed)
    {
        corruption.Validate();
        if (images.dim() != 3) throw new ArgumentException($"images: expected (batch, H, W), got ({string.Join(", ", images.shape)})", nameof(images));
        using var generator = RandomStreams.Generator(seed);
        using var scope = NewDisposeScope();
        Tensor result = corruption.Kind switch
        {
            CorruptionKind.GaussianNoise => GaussianNoise(images, corruption.Severity, generator),
            CorruptionKind.SaltAndPepper => SaltAndPepper(images, corruption.Severity, generator),
            CorruptionKind.RandomOcclusion => RandomOcclusion(images, corruption.Severity, generator),
            CorruptionKind.HalfOcclusion => HalfOcclusion(images),
            _ => images.clone(),
        };
        return result.MoveToOuterDisposeScope();
    }

    static Tensor Draw(Func<Generator, Tensor> draw, Tensor like, Generator generator) => draw(generator).to(like.dtype).to(like.device);

    static Tensor GaussianNoise(Tensor images, double sigma, Generator generator)
    {
        Tensor noise = Draw(g => randn(images.shape, generator: g), images, generator);   // (B, H, W)
        return images.add(noise.mul_(sigma)).clamp_(0, 1);
    }

    static Tensor SaltAndPepper(Tensor images, double fraction, Generator generator)
    {
        Tensor u = Draw(g => rand(images.shape, generator: g), images, generator);        // (B, H, W), U[0, 1)
        Tensor salt = u.lt(fraction / 2);
        Tensor pepper = u.ge(fraction / 2).logical_and_(u.lt(fraction));
        return images.masked_fill(salt, 1).masked_fill_(pepper, 0);
    }

    static Tensor RandomOcclusion(Tensor images, double fraction, Generator generator)
    {
        long batch = images.shape[0], height = images.shape[1], width = images.shape[2];
        long side = Math.Min((long)Math.Round(Math.Sqrt(fraction) * Math.Min(height, width), MidpointRounding.AwayFromZero), Math.Min(height, width));
        Tensor result = images.clone();
        if (side == 0) return result;
        Tensor rows = randint(0, height - side + 1, [batch], generator: generator);         // (B) top edges
        Tensor columns = randint(0, width - side + 1, [batch], generator: generator);       // (B) left edges
        Tensor r = arange(height).unsqueeze(0), c = arange(width).unsqueeze(0);             // (1, H), (1, W)
        Tensor inRows = r.ge(rows.unsqueeze(1)).logical_and_(r.lt(rows.unsqueeze(1) + side));       // (B, H)
        Tensor inColumns = c.ge(columns.unsqueeze(1)).logical_and_(c.lt(columns.unsqueeze(1) + side)); // (B, W)
        Tensor mask = inRows.unsqueeze(2).logical_and(inColumns.unsqueeze(1)).to(images.device); // (B, H, W)
        return result.masked_fill_(mask, 0);
    }

    static Tensor HalfOcclusion(Tensor images)
    {
        long height = images.shape[1];
        Tensor result = images.clone();
        result.narrow(1, height / 2, height - height / 2).zero_();
        return result;
    }
}
