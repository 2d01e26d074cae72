using System.CommandLine;
using NetPlan.Cli.Commands;

// The root command only assembles the verbs; each verb lives in Commands/.
var root = new RootCommand("NetPlan: declarative multi-host container networking (plan, then apply, a topology.yml).")
{
    ValidateCommand.Create(),
    ConvergeCommands.Plan(),
    ConvergeCommands.Apply(),
    ConvergeCommands.Destroy(),
    AgentCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
