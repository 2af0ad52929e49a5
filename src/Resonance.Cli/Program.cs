using Resonance.Cli;

return ResonanceCli.Run(args);
