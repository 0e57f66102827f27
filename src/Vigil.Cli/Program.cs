using Vigil.Cli;

return await VigilCommand.RunAsync(args, Console.Out, Console.Error).ConfigureAwait(false);
