using NetPlan.Core.Planning.Rendering;

namespace NetPlan.Core.Planning;

/// <summary>The two faces of a plan: text for people, JSON for programs.</summary>
public static class PlanRenderer
{
    /// <summary>Plain text (no colour); ends with the <c>Plan: …</c> line or <see cref="PlanText.NoChanges"/>.</summary>
    public static string Text(PlanResult plan) => PlanText.Render(plan.Hosts);

    /// <summary>The same text as typed lines, for a front end that colours by <see cref="PlanLineKind"/>.</summary>
    public static IEnumerable<PlanLine> Lines(PlanResult plan) => PlanText.Lines(plan.Hosts);

    /// <summary>The documented JSON plan (docs/plan.md, schemas/plan.schema.json).</summary>
    public static string Json(string topology, PlanResult plan) => PlanJsonRenderer.Render(topology, plan);
}
