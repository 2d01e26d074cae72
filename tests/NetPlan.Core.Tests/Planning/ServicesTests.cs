using NetPlan.Core.Planning;
using NetPlan.Core.State;
using NetPlan.Core.Language;
using static NetPlan.Core.Tests.Planning.Fixtures;

namespace NetPlan.Core.Tests.Planning;

public class ServicesTests
{
    [Fact]
    public void A_topology_with_services_is_refused_at_the_service_rather_than_planned_without_it()
    {
        var loaded = TopologyLoader.Parse("""
            version: 1
            name: shop
            nodes:
              n1: { connection: local }
            networks:
              back: { subnet: 10.20.0.0/24 }
            sandboxes:
              api: { node: n1, networks: [back] }
            services:
              shop-api:
                network: back
                backends: [api]
                ports: ["9000:80"]
            """, "shop.yml");
        var topology = Assert.IsType<NetPlan.Core.Language.Topology>(loaded.Topology);

        var plan = Planner.Plan(topology, new Dictionary<string, Observation> { ["n1"] = Observed(facts: Facts()) });

        var error = Assert.Single(plan.Errors);
        Assert.Equal((PlanCodes.ServicesNotBuilt, 10, 3), (error.Code, error.At.Line, error.At.Column));
        Assert.Contains("shop-api", error.Message);
        Assert.Empty(plan.Hosts);
    }
}
