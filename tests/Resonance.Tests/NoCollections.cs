using System.Reflection;
using Resonance.Runtime;
using Xunit.Sdk;

namespace Resonance.Tests;

/// <summary>Runs each test of a class inside <see cref="NoCollections"/> (for classes whose tests make many small libtorch calls;
/// the test runner's own threads allocate while a test is inside libtorch).</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method)]
internal sealed class NoCollectionsAttribute : BeforeAfterTestAttribute
{
    [ThreadStatic] static bool started;

    public override void Before(MethodInfo methodUnderTest) => started = NoCollections.Start();

    public override void After(MethodInfo methodUnderTest) => NoCollections.End(started);
}
