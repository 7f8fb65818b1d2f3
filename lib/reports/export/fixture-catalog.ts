// Test data only: the OWASP ASI 2026 and NIST AI RMF 1.0 items (ids, titles, our one-line
// summaries) as in shared/reference/frameworks.json, so export tests run on a realistic catalog.
// Rows: [id, ref, title, summary, level, parent].
export const FIXTURE_CATALOG = {
 "owasp-asi-2026": {
  "framework": {
   "id": "owasp-asi-2026",
   "name": "OWASP Top 10 for Agentic Applications",
   "shortName": "OWASP Agentic Top 10 (ASI)",
   "version": "2026 (released December 2025)",
   "publisher": "OWASP GenAI Security Project - Agentic Security Initiative (ASI)",
   "sourceUrl": "https://genai.owasp.org/resource/owasp-top-10-for-agentic-applications-for-2026/"
  },
  "items": [
   [
    "ASI01",
    "ASI01:2026",
    "Agent Goal Hijack",
    "Untrusted content (prompts, documents, tool output, peer-agent messages) redirects an agent's objectives, plan or decision path toward attacker aims.",
    "",
    ""
   ],
   [
    "ASI02",
    "ASI02:2026",
    "Tool Misuse and Exploitation",
    "An agent applies tools it is legitimately allowed to use in unsafe or unintended ways (destructive calls, exfiltration, runaway API spend) without needing new privileges.",
    "",
    ""
   ],
   [
    "ASI03",
    "ASI03:2026",
    "Identity and Privilege Abuse",
    "Delegation chains, inherited roles, cached credentials or spoofed agent personas let an agent act beyond the authority the originating principal intended.",
    "",
    ""
   ],
   [
    "ASI04",
    "ASI04:2026",
    "Agentic Supply Chain Vulnerabilities",
    "Third-party components an agent depends on, often resolved at runtime (models, tools, MCP servers, prompt templates, agent cards, registries, peer agents), are malicious or tampered with.",
    "",
    ""
   ],
   [
    "ASI05",
    "ASI05:2026",
    "Unexpected Code Execution (RCE)",
    "Code, shell commands, deserialised objects or package installs produced or triggered by the agent run unsafely, compromising the host, container or sandbox.",
    "",
    ""
   ],
   [
    "ASI06",
    "ASI06:2026",
    "Memory & Context Poisoning",
    "Persistent or reusable context (long-term memory, RAG/vector stores, summaries, shared memory) is seeded with false or malicious data that biases later reasoning and tool use.",
    "",
    ""
   ],
   [
    "ASI07",
    "ASI07:2026",
    "Insecure Inter-Agent Communication",
    "Agent-to-agent messages, discovery and routing lack authentication, integrity or semantic validation, enabling spoofing, replay, tampering, downgrade or interception.",
    "",
    ""
   ],
   [
    "ASI08",
    "ASI08:2026",
    "Cascading Failures",
    "One fault or compromise fans out and amplifies across chained agents, tools and workflows into system-wide impact; covers propagation rather than the initial flaw.",
    "",
    ""
   ],
   [
    "ASI09",
    "ASI09:2026",
    "Human-Agent Trust Exploitation",
    "Humans over-rely on an agent's fluent or authoritative output (including fabricated rationales) and approve harmful actions or disclose sensitive data.",
    "",
    ""
   ],
   [
    "ASI10",
    "ASI10:2026",
    "Rogue Agents",
    "An agent drifts outside its intended function or scope (deception, collusion, self-replication, reward hacking) while individual actions can still look legitimate.",
    "",
    ""
   ]
  ]
 },
 "nist-ai-rmf-1.0": {
  "framework": {
   "id": "nist-ai-rmf-1.0",
   "name": "NIST AI Risk Management Framework (AI RMF 1.0)",
   "shortName": "NIST AI RMF",
   "version": "1.0 (NIST AI 100-1, January 2023)",
   "publisher": "U.S. National Institute of Standards and Technology (NIST)",
   "sourceUrl": "https://nvlpubs.nist.gov/nistpubs/ai/NIST.AI.100-1.pdf"
  },
  "items": [
   [
    "GOVERN",
    "",
    "GOVERN",
    "Cross-cutting function that sets the culture, policies, accountability and oversight structures for AI risk management; informs the other three.",
    "function",
    ""
   ],
   [
    "MAP",
    "",
    "MAP",
    "Establishes the context of an AI system (purpose, actors, capabilities, impacts) so its risks can be framed and a go/no-go decision made.",
    "function",
    ""
   ],
   [
    "MEASURE",
    "",
    "MEASURE",
    "Applies quantitative, qualitative or mixed methods to test, evaluate, benchmark and track AI risks and trustworthiness.",
    "function",
    ""
   ],
   [
    "MANAGE",
    "",
    "MANAGE",
    "Allocates resources to prioritise and treat mapped and measured risks, including response, recovery, monitoring and communication.",
    "function",
    ""
   ],
   [
    "GOVERN 1",
    "",
    "AI risk policies and practices",
    "Organisation-wide AI risk policies and procedures exist, are transparent and are actually followed.",
    "category",
    "GOVERN"
   ],
   [
    "GOVERN 2",
    "",
    "Accountability structures",
    "Named people and teams own AI risk work and have the authority and training to do it.",
    "category",
    "GOVERN"
   ],
   [
    "GOVERN 3",
    "",
    "Workforce diversity and human-AI roles",
    "Diverse perspectives inform AI risk decisions and human roles in human-AI oversight are defined.",
    "category",
    "GOVERN"
   ],
   [
    "GOVERN 4",
    "",
    "Risk-aware culture",
    "Teams work in a culture that surfaces, documents and openly discusses AI risk.",
    "category",
    "GOVERN"
   ],
   [
    "GOVERN 5",
    "",
    "Engagement with AI actors",
    "Feedback from internal and external stakeholders is gathered and fed back into AI systems.",
    "category",
    "GOVERN"
   ],
   [
    "GOVERN 6",
    "",
    "Third-party and supply chain",
    "Policies cover risk coming from third-party software, data, models and the wider supply chain.",
    "category",
    "GOVERN"
   ],
   [
    "MAP 1",
    "",
    "Context",
    "Purpose, deployment setting, users, norms, business value and risk tolerance of the system are understood.",
    "category",
    "MAP"
   ],
   [
    "MAP 2",
    "",
    "System categorization",
    "The AI system's tasks, methods, knowledge limits and TEVV considerations are pinned down.",
    "category",
    "MAP"
   ],
   [
    "MAP 3",
    "",
    "Capabilities, benefits and costs",
    "Intended scope, benefits, costs, operator proficiency and oversight needs are understood.",
    "category",
    "MAP"
   ],
   [
    "MAP 4",
    "",
    "Component risk mapping",
    "Every component, including third-party software and data, has its risks and controls mapped.",
    "category",
    "MAP"
   ],
   [
    "MAP 5",
    "",
    "Impact characterization",
    "Likelihood and size of impacts on people, organisations and society are characterised.",
    "category",
    "MAP"
   ],
   [
    "MEASURE 1",
    "",
    "Methods and metrics",
    "Suitable approaches and metrics for measuring AI risk are chosen and used.",
    "category",
    "MEASURE"
   ],
   [
    "MEASURE 2",
    "",
    "Trustworthiness evaluation",
    "The system is evaluated for validity, safety, security, transparency, explainability, privacy, fairness and similar properties.",
    "category",
    "MEASURE"
   ],
   [
    "MEASURE 3",
    "",
    "Risk tracking over time",
    "Known, emergent and hard-to-measure risks are tracked over the system's life.",
    "category",
    "MEASURE"
   ],
   [
    "MEASURE 4",
    "",
    "Measurement feedback",
    "Whether the measurements themselves are working is checked against field data and expert input.",
    "category",
    "MEASURE"
   ],
   [
    "MANAGE 1",
    "",
    "Risk prioritization and response",
    "Risks surfaced by MAP and MEASURE are ranked and given a response.",
    "category",
    "MANAGE"
   ],
   [
    "MANAGE 2",
    "",
    "Benefit/impact strategies",
    "Plans to maximise benefit and limit harm, including the ability to stop or disengage a system, are prepared and used.",
    "category",
    "MANAGE"
   ],
   [
    "MANAGE 3",
    "",
    "Third-party risk management",
    "Risk from third-party resources and pre-trained models is actively monitored and controlled.",
    "category",
    "MANAGE"
   ],
   [
    "MANAGE 4",
    "",
    "Risk treatment, monitoring and communication",
    "Post-deployment monitoring, incident response, recovery and communication plans are documented and kept under review.",
    "category",
    "MANAGE"
   ],
   [
    "GOVERN 1.1",
    "",
    "Legal and regulatory requirements",
    "Identify, track and document the laws and regulations that apply to the organisation's AI.",
    "subcategory",
    "GOVERN 1"
   ],
   [
    "GOVERN 1.2",
    "",
    "Trustworthy AI in policy",
    "Write trustworthy-AI characteristics into organisational policy and practice.",
    "subcategory",
    "GOVERN 1"
   ],
   [
    "GOVERN 1.3",
    "",
    "Risk-tolerance-based effort",
    "Scale the depth of risk management to the organisation's stated risk tolerance.",
    "subcategory",
    "GOVERN 1"
   ],
   [
    "GOVERN 1.4",
    "",
    "Transparent risk process and controls",
    "Define the risk process and its outputs through transparent policies and controls tied to priorities.",
    "subcategory",
    "GOVERN 1"
   ],
   [
    "GOVERN 1.5",
    "",
    "Ongoing monitoring and periodic review",
    "Plan continuous monitoring and scheduled reviews of the risk process, with owners and a review cadence.",
    "subcategory",
    "GOVERN 1"
   ],
   [
    "GOVERN 1.6",
    "",
    "AI system inventory",
    "Keep a resourced inventory of AI systems (a prerequisite for discovering unmanaged agents).",
    "subcategory",
    "GOVERN 1"
   ],
   [
    "GOVERN 1.7",
    "",
    "Safe decommissioning",
    "Retire AI systems in a controlled way that does not create new risk.",
    "subcategory",
    "GOVERN 1"
   ],
   [
    "GOVERN 2.1",
    "",
    "Roles and communication lines",
    "Document who does what in AI risk management and how they communicate.",
    "subcategory",
    "GOVERN 2"
   ],
   [
    "GOVERN 2.2",
    "",
    "AI risk training",
    "Train staff and partners for their AI-risk duties.",
    "subcategory",
    "GOVERN 2"
   ],
   [
    "GOVERN 2.3",
    "",
    "Executive accountability",
    "Senior leadership owns decisions about AI development and deployment risk.",
    "subcategory",
    "GOVERN 2"
   ],
   [
    "GOVERN 3.1",
    "",
    "Diverse decision-making",
    "Include a diverse mix of people and disciplines in AI risk decisions.",
    "subcategory",
    "GOVERN 3"
   ],
   [
    "GOVERN 3.2",
    "",
    "Human-AI oversight roles",
    "Define which humans oversee which AI functions and how responsibilities split between people and AI.",
    "subcategory",
    "GOVERN 3"
   ],
   [
    "GOVERN 4.1",
    "",
    "Safety-first mindset",
    "Encourage critical thinking and a safety-first approach across the AI lifecycle.",
    "subcategory",
    "GOVERN 4"
   ],
   [
    "GOVERN 4.2",
    "",
    "Document and communicate impacts",
    "Teams record AI risks and impacts and share them beyond the team.",
    "subcategory",
    "GOVERN 4"
   ],
   [
    "GOVERN 4.3",
    "",
    "Testing, incident identification, information sharing",
    "Enable AI testing, incident detection and sharing of incident information.",
    "subcategory",
    "GOVERN 4"
   ],
   [
    "GOVERN 5.1",
    "",
    "External feedback",
    "Collect and act on feedback about impacts from people outside the building team.",
    "subcategory",
    "GOVERN 5"
   ],
   [
    "GOVERN 5.2",
    "",
    "Incorporate adjudicated feedback",
    "Regularly feed reviewed stakeholder feedback back into design and implementation.",
    "subcategory",
    "GOVERN 5"
   ],
   [
    "GOVERN 6.1",
    "",
    "Third-party risk policies",
    "Have policies for third-party AI risk, including intellectual-property infringement.",
    "subcategory",
    "GOVERN 6"
   ],
   [
    "GOVERN 6.2",
    "",
    "Third-party contingency",
    "Prepare contingency plans for failures or incidents in high-risk third-party data or AI systems.",
    "subcategory",
    "GOVERN 6"
   ],
   [
    "MAP 1.1",
    "",
    "Intended purpose and deployment context",
    "Document what the system is for, where and by whom it will be used, applicable norms and laws, and expected impacts.",
    "subcategory",
    "MAP 1"
   ],
   [
    "MAP 1.2",
    "",
    "Interdisciplinary participation",
    "Involve a diverse, interdisciplinary group in setting context and record who took part.",
    "subcategory",
    "MAP 1"
   ],
   [
    "MAP 1.3",
    "",
    "Mission and AI goals",
    "Record the organisation's mission and its goals for using AI.",
    "subcategory",
    "MAP 1"
   ],
   [
    "MAP 1.4",
    "",
    "Business value",
    "State (or re-check, for existing systems) the business value of the use case.",
    "subcategory",
    "MAP 1"
   ],
   [
    "MAP 1.5",
    "",
    "Risk tolerances",
    "Set and document how much AI risk the organisation will accept.",
    "subcategory",
    "MAP 1"
   ],
   [
    "MAP 1.6",
    "",
    "System requirements",
    "Gather requirements from relevant actors and account for socio-technical effects in design.",
    "subcategory",
    "MAP 1"
   ],
   [
    "MAP 2.1",
    "",
    "Tasks and methods",
    "Define what tasks the system performs and with what kind of model.",
    "subcategory",
    "MAP 2"
   ],
   [
    "MAP 2.2",
    "",
    "Knowledge limits and human use of output",
    "Document what the system does not know and how humans use and oversee its outputs.",
    "subcategory",
    "MAP 2"
   ],
   [
    "MAP 2.3",
    "",
    "Scientific integrity and TEVV",
    "Record test/evaluation design, data selection and validation considerations.",
    "subcategory",
    "MAP 2"
   ],
   [
    "MAP 3.1",
    "",
    "Benefits",
    "Examine and record expected benefits.",
    "subcategory",
    "MAP 3"
   ],
   [
    "MAP 3.2",
    "",
    "Costs of errors",
    "Examine and record monetary and non-monetary costs of AI errors relative to risk tolerance.",
    "subcategory",
    "MAP 3"
   ],
   [
    "MAP 3.3",
    "",
    "Application scope",
    "Fix and document the intended scope of use (useful baseline for detecting out-of-scope agent actions).",
    "subcategory",
    "MAP 3"
   ],
   [
    "MAP 3.4",
    "",
    "Operator proficiency",
    "Define and assess how operators become and stay competent with the system.",
    "subcategory",
    "MAP 3"
   ],
   [
    "MAP 3.5",
    "",
    "Human oversight processes",
    "Define, assess and document human oversight processes in line with governance policy.",
    "subcategory",
    "MAP 3"
   ],
   [
    "MAP 4.1",
    "",
    "Component and legal risk mapping",
    "Map technical and legal risk of each component, including third-party data, software and IP.",
    "subcategory",
    "MAP 4"
   ],
   [
    "MAP 4.2",
    "",
    "Internal component controls",
    "Identify and document the controls applied to each component, including third-party AI.",
    "subcategory",
    "MAP 4"
   ],
   [
    "MAP 5.1",
    "",
    "Impact likelihood and magnitude",
    "Estimate and record how likely and how large each impact is, using incident data and feedback.",
    "subcategory",
    "MAP 5"
   ],
   [
    "MAP 5.2",
    "",
    "Ongoing impact engagement",
    "Keep people and practices in place to collect feedback on observed impacts.",
    "subcategory",
    "MAP 5"
   ],
   [
    "MEASURE 1.1",
    "",
    "Metrics for top risks",
    "Pick metrics starting with the most significant risks and record what is not measured.",
    "subcategory",
    "MEASURE 1"
   ],
   [
    "MEASURE 1.2",
    "",
    "Reassess metrics and controls",
    "Regularly check that metrics fit and that existing controls are effective.",
    "subcategory",
    "MEASURE 1"
   ],
   [
    "MEASURE 1.3",
    "",
    "Independent assessment",
    "Use assessors independent of the developers and consult outside experts and affected groups.",
    "subcategory",
    "MEASURE 1"
   ],
   [
    "MEASURE 2.1",
    "",
    "TEVV documentation",
    "Document test sets, metrics and tooling used for testing and evaluation.",
    "subcategory",
    "MEASURE 2"
   ],
   [
    "MEASURE 2.2",
    "",
    "Human-subject evaluations",
    "Evaluations with people protect participants and represent the relevant population.",
    "subcategory",
    "MEASURE 2"
   ],
   [
    "MEASURE 2.3",
    "",
    "Performance under deployment-like conditions",
    "Measure and record performance against criteria in conditions close to real deployment.",
    "subcategory",
    "MEASURE 2"
   ],
   [
    "MEASURE 2.4",
    "",
    "Production monitoring",
    "Monitor how the system and its components behave once in production (core anchor for runtime agent monitoring).",
    "subcategory",
    "MEASURE 2"
   ],
   [
    "MEASURE 2.5",
    "",
    "Validity and reliability",
    "Show the system is valid and reliable and record where it may not generalise.",
    "subcategory",
    "MEASURE 2"
   ],
   [
    "MEASURE 2.6",
    "",
    "Safety evaluation and safe failure",
    "Regularly evaluate safety, show residual risk is within tolerance and that the system fails safely; track real-time monitoring and failure response times.",
    "subcategory",
    "MEASURE 2"
   ],
   [
    "MEASURE 2.7",
    "",
    "Security and resilience",
    "Evaluate and record the system's security and resilience (e.g. against prompt injection, tool abuse).",
    "subcategory",
    "MEASURE 2"
   ],
   [
    "MEASURE 2.8",
    "",
    "Transparency and accountability",
    "Examine and record transparency and accountability risks (relevant to audit trails of agent actions).",
    "subcategory",
    "MEASURE 2"
   ],
   [
    "MEASURE 2.9",
    "",
    "Explainability and interpretability",
    "Explain and validate the model and interpret its output in context.",
    "subcategory",
    "MEASURE 2"
   ],
   [
    "MEASURE 2.10",
    "",
    "Privacy",
    "Examine and record privacy risk.",
    "subcategory",
    "MEASURE 2"
   ],
   [
    "MEASURE 2.11",
    "",
    "Fairness and bias",
    "Evaluate fairness and bias and record results.",
    "subcategory",
    "MEASURE 2"
   ],
   [
    "MEASURE 2.12",
    "",
    "Environmental impact",
    "Assess and record environmental and sustainability impact.",
    "subcategory",
    "MEASURE 2"
   ],
   [
    "MEASURE 2.13",
    "",
    "TEVV effectiveness",
    "Evaluate whether the test and evaluation metrics and processes themselves work.",
    "subcategory",
    "MEASURE 2"
   ],
   [
    "MEASURE 3.1",
    "",
    "Track existing and emergent risks",
    "Regularly identify and track known, unexpected and emergent risks from real-world performance.",
    "subcategory",
    "MEASURE 3"
   ],
   [
    "MEASURE 3.2",
    "",
    "Hard-to-measure risks",
    "Plan how to track risks for which good metrics do not yet exist.",
    "subcategory",
    "MEASURE 3"
   ],
   [
    "MEASURE 3.3",
    "",
    "User problem reporting and appeal",
    "Give users and affected groups a way to report problems and appeal outcomes, and use it in evaluation.",
    "subcategory",
    "MEASURE 3"
   ],
   [
    "MEASURE 4.1",
    "",
    "Context-linked measurement",
    "Tie measurement methods to the deployment context with domain-expert input.",
    "subcategory",
    "MEASURE 4"
   ],
   [
    "MEASURE 4.2",
    "",
    "Validate trustworthiness in deployment",
    "Use expert and stakeholder input to confirm the deployed system keeps performing as intended.",
    "subcategory",
    "MEASURE 4"
   ],
   [
    "MEASURE 4.3",
    "",
    "Performance change tracking",
    "Identify and record measurable improvements or declines using field data and consultation.",
    "subcategory",
    "MEASURE 4"
   ],
   [
    "MANAGE 1.1",
    "",
    "Go/no-go decision",
    "Decide whether the system meets its purpose and whether to proceed.",
    "subcategory",
    "MANAGE 1"
   ],
   [
    "MANAGE 1.2",
    "",
    "Prioritise treatment",
    "Rank risk treatment by impact, likelihood and available resources.",
    "subcategory",
    "MANAGE 1"
   ],
   [
    "MANAGE 1.3",
    "",
    "High-priority risk responses",
    "Plan and record responses (mitigate, transfer, avoid, accept) for high-priority risks.",
    "subcategory",
    "MANAGE 1"
   ],
   [
    "MANAGE 1.4",
    "",
    "Residual risk documentation",
    "Record remaining unmitigated risk for downstream acquirers and end users.",
    "subcategory",
    "MANAGE 1"
   ],
   [
    "MANAGE 2.1",
    "",
    "Resources and non-AI alternatives",
    "Budget for risk management and consider non-AI alternatives to reduce impact.",
    "subcategory",
    "MANAGE 2"
   ],
   [
    "MANAGE 2.2",
    "",
    "Sustain deployed value",
    "Keep deployed systems delivering their intended value over time.",
    "subcategory",
    "MANAGE 2"
   ],
   [
    "MANAGE 2.3",
    "",
    "Respond to newly identified risks",
    "Follow procedures to respond to and recover from risks discovered after deployment.",
    "subcategory",
    "MANAGE 2"
   ],
   [
    "MANAGE 2.4",
    "",
    "Supersede, disengage or deactivate",
    "Have assigned owners and working mechanisms to override, disconnect or shut down a misbehaving AI system (kill switch).",
    "subcategory",
    "MANAGE 2"
   ],
   [
    "MANAGE 3.1",
    "",
    "Monitor third-party resources",
    "Regularly monitor third-party AI resources and apply and record controls on them.",
    "subcategory",
    "MANAGE 3"
   ],
   [
    "MANAGE 3.2",
    "",
    "Monitor pre-trained models",
    "Include pre-trained models in routine monitoring and maintenance.",
    "subcategory",
    "MANAGE 3"
   ],
   [
    "MANAGE 4.1",
    "",
    "Post-deployment monitoring plan",
    "Run a post-deployment monitoring plan covering user input, appeal/override, decommissioning, incident response, recovery and change management.",
    "subcategory",
    "MANAGE 4"
   ],
   [
    "MANAGE 4.2",
    "",
    "Continual improvement",
    "Build measurable improvement activities and stakeholder engagement into system updates.",
    "subcategory",
    "MANAGE 4"
   ],
   [
    "MANAGE 4.3",
    "",
    "Incident communication and handling",
    "Tell relevant parties about incidents and errors, and follow documented tracking, response and recovery processes.",
    "subcategory",
    "MANAGE 4"
   ]
  ]
 }
} as const;
