namespace NetPlan.Core.Planning.Saved;

/// <summary>Why a saved plan file cannot be applied: the NP10xx range. Stable like every code.</summary>
public static class SavedPlanCodes
{
    /// <summary>The file names itself a saved plan but cannot be read as one (truncated, edited, damaged).</summary>
    public const string Corrupt = "NP1001";
    /// <summary>A newer NetPlan wrote the file in a format this one does not know.</summary>
    public const string FutureFormat = "NP1002";
    /// <summary>Another NetPlan build made the plan; only the build that made a plan applies it.</summary>
    public const string OtherVersion = "NP1003";
    /// <summary>The JSON plan that <c>--json</c> prints, which is for reading, not for applying.</summary>
    public const string NotASavedPlan = "NP1004";
    /// <summary>The topology stored in the plan does not load, or does not match the plan's nodes.</summary>
    public const string TopologyMismatch = "NP1005";
}
