using Resonance.Sparks;

namespace Resonance.Tests.Sparks;

public class SparkSessionTests
{
    static readonly SparkExperiment Small = new()
    {
        Seed = 8,
        Sparks = new SparkOptions { Neurons = 20, SparkCount = 4 },
        Measures = new SparkMeasureOptions { Every = 5 },
    };

    [Fact]
    public async Task A_new_session_is_paused_at_step_zero_with_its_first_frame_published()
    {
        using var session = new SparkSession(Small);
        Assert.Equal(SparkPlayState.Paused, session.State);
        var frame = await session.Frames.ReadAsync();
        Assert.Equal(0, frame.Step);
        Assert.Equal(20 * 20, frame.Weights.Length);
        Assert.NotNull(frame.Measures);
    }

    [Fact]
    public void Step_advances_a_paused_session_and_returns_the_frame_with_fresh_measures()
    {
        using var session = new SparkSession(Small);
        var frame = session.Step(3);
        Assert.Equal(3, frame.Step);
        Assert.Equal(3, frame.Measures!.Step);
        Assert.Same(frame, session.Latest);
    }

    [Fact]
    public async Task Play_streams_frames_in_step_order_until_paused_and_then_nothing_changes()
    {
        using var session = new SparkSession(Small, options: new SparkSessionOptions(FrameEvery: 2, FrameBuffer: 1000));
        session.Play();
        long last = -1;
        while (last < 40)
        {
            var frame = await session.Frames.ReadAsync();
            Assert.True(frame.Step >= last);
            last = frame.Step;
        }
        await session.PauseAsync();
        Assert.Equal(SparkPlayState.Paused, session.State);
        long paused = session.Latest.Step;
        Assert.True(paused >= 40);
        Assert.Equal(paused + 1, session.Step().Step);
    }

    [Fact]
    public async Task Parameters_change_only_while_paused()
    {
        using var session = new SparkSession(Small);
        session.Play();
        var playing = Assert.Throws<UserInputException>(() => session.Update(Small with { Sparks = Small.Sparks with { Epsilon = 0.5 } }));
        Assert.Equal("parameters can change only while the simulation is paused; pause it first.", playing.Message);
        Assert.Throws<UserInputException>(() => session.Step());
        await session.PauseAsync();

        session.Update(Small with { Sparks = Small.Sparks with { Epsilon = 0.5 } });
        Assert.Equal(0.5, session.Experiment.Sparks.Epsilon);
        Assert.Equal("sparks.epsilon: expected a number in [0, 1], got 2.",
            Assert.Throws<UserInputException>(() => session.Update(Small with { Sparks = Small.Sparks with { Epsilon = 2 } })).Message);
        Assert.Equal(0.5, session.Experiment.Sparks.Epsilon);
    }

    [Fact]
    public async Task Stop_ends_the_stream_and_the_session()
    {
        var session = new SparkSession(Small);
        session.Play();
        await session.StopAsync();
        Assert.Equal(SparkPlayState.Stopped, session.State);
        while (await session.Frames.WaitToReadAsync())
            session.Frames.TryRead(out _);
        Assert.True(session.Frames.Completion.IsCompleted);
        Assert.Equal("play: the simulation was stopped; start a new one.", Assert.Throws<UserInputException>(session.Play).Message);
        session.Dispose();
    }

    [Fact]
    public async Task A_paused_session_snapshot_continues_in_a_new_session()
    {
        using var session = new SparkSession(Small);
        session.Step(6);
        var snapshot = session.Snapshot();
        await session.StopAsync();
        using var continued = new SparkSession(Small, continueFrom: snapshot);
        Assert.Equal(6, continued.Latest.Step);
        Assert.Equal(snapshot.State.Weights, continued.Latest.Weights);
    }
}
