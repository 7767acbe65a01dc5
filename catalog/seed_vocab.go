package catalog

// The vocabulary of the synthetic demo catalog: kinds of hosts, the jobs a 3e student can observe
// there (filed under an ONISEP sector), and pools of fictional names. Everything here is invented
// for the demo; any resemblance to a real structure's name is a coincidence.

// jobTemplate is a job a host can offer: its ONISEP sector (exact name), title variants, and the
// tasks a student observes (three are drawn for each offer's description).
type jobTemplate struct {
	sector string
	titles []string
	tasks  []string
}

// hostTemplate is a kind of host: a City of Paris service (kind city, employer public) or a
// social-economy structure (kind ess, employer private).
type hostTemplate struct {
	kind     string
	count    int      // hosts of this kind in the demo
	patterns []string // name patterns; %s is a name from pool, or the arrondissement when pool is ""
	pool     string   // "person", "nature", "brand", or "" for the arrondissement ("11e")
	perArr   bool     // one host in each arrondissement, in order (mairies)
	jobs     []jobTemplate
}

// Sector names, as in data/sectors-onisep.csv.
const (
	secMode         = "Mode"
	secBanque       = "Banque et assurance"
	secAudiovisuel  = "Audiovisuel"
	secCom          = "Communication"
	secEdition      = "Édition, librairie, bibliothèque"
	secTraduction   = "Traduction, interprétation"
	secBTP          = "Bâtiment et travaux publics (BTP)"
	secGestion      = "Comptabilité, gestion, ressources humaines"
	secDroit        = "Droit et justice"
	secEnseignement = "Enseignement"
	secRecherche    = "Recherche"
	secEnergie      = "Énergie"
	secEnvironnemnt = "Environnement"
	secLogistique   = "Logistique et transport"
	secHotellerie   = "Hôtellerie, restauration"
	secTourisme     = "Tourisme"
	secAgroequip    = "Agroéquipement"
	secAutomobile   = "Automobile"
	secConstruction = "Construction aéronautique, ferroviaire et navale"
	secElectronique = "Électronique"
	secAlimentaire  = "Industrie alimentaire"
	secChimie       = "Industrie chimique"
	secMaintenance  = "Maintenance"
	secMecanique    = "Mécanique"
	secVerre        = "Verre, béton, céramique"
	secInformatique = "Informatique et réseaux"
	secJeuVideo     = "Jeu vidéo"
	secCommerce     = "Commerce et distribution"
	secMarketing    = "Marketing, publicité"
	secMedical      = "Médical"
	secParamedical  = "Paramédical"
	secSocial       = "Social"
	secSport        = "Sport"
	secAgriculture  = "Agriculture"
	secBois         = "Filiere bois"
	secArchitecture = "Architecture, urbanisme et paysage"
	secArmee        = "Armée - Défense"
	secSecurite     = "Sécurité"
	secArtDesign    = "Art et design"
	secArtisanat    = "Artisanat d'art"
	secSpectacle    = "Arts du spectacle"
	secCulture      = "Culture et patrimoine"
)

// titled returns the job with other title variants.
func (j jobTemplate) titled(titles ...string) jobTemplate {
	j.titles = titles
	return j
}

// doing returns the job with other tasks.
func (j jobTemplate) doing(tasks ...string) jobTemplate {
	j.tasks = tasks
	return j
}

// Tasks shared by several kinds of hosts.
func firstAidTasks() []string {
	return []string{"les gestes de premiers secours", "la vérification du matériel de secours", "la prévention des accidents",
		"le registre des interventions"}
}

func youthWorkTasks() []string {
	return []string{"l'accueil des jeunes", "la préparation d'une sortie", "l'organisation d'une fête de quartier",
		"le suivi d'un projet monté par des jeunes", "la réunion d'équipe des animateurs"}
}

// Jobs found at several kinds of hosts.
func jobSport() jobTemplate {
	return jobTemplate{secSport, []string{"Éducateur sportif : une semaine sur le terrain", "Découverte des métiers du sport"},
		[]string{"l'accueil des groupes scolaires et des clubs", "la préparation du matériel avant les séances",
			"l'observation d'un entraînement avec l'éducateur", "les règles de sécurité et l'encadrement des enfants",
			"l'organisation d'un tournoi de quartier"}}
}

func jobSocial() jobTemplate {
	return jobTemplate{secSocial, []string{"Découverte du travail social", "Accompagnement des familles"},
		[]string{"l'accueil et l'écoute des personnes", "la préparation d'un rendez-vous avec un travailleur social",
			"l'orientation vers les aides et les services du quartier", "une réunion d'équipe sur les situations suivies",
			"l'animation d'un atelier collectif"}}
}

func jobCommerce() jobTemplate {
	return jobTemplate{secCommerce, []string{"Découverte de la vente et du commerce", "Une semaine en boutique"},
		[]string{"la mise en rayon et l'étiquetage des prix", "l'accueil et le conseil des clients",
			"la tenue de la caisse avec un vendeur", "l'inventaire du stock", "l'aménagement de la vitrine"}}
}

func jobLogistique() jobTemplate {
	return jobTemplate{secLogistique, []string{"Logistique : de la réception à la livraison", "Organisation des tournées et des stocks"},
		[]string{"la réception et le contrôle des livraisons", "le rangement du stock et la gestion des étiquettes",
			"la préparation des tournées de collecte ou de livraison", "l'accompagnement d'un chauffeur en tournée",
			"le suivi des entrées et sorties sur l'ordinateur"}}
}

func jobEnvironnement() jobTemplate {
	return jobTemplate{secEnvironnemnt, []string{"Agir pour l'environnement au quotidien", "Découverte des métiers de l'environnement"},
		[]string{"le tri et la valorisation des déchets", "une action de sensibilisation des habitants",
			"le suivi de la biodiversité (oiseaux, insectes, plantes)", "le compostage et la réduction des déchets",
			"la mesure d'indicateurs environnementaux"}}
}

func jobCommunication() jobTemplate {
	return jobTemplate{secCom, []string{"Communication : affiches, site et réseaux sociaux", "Découverte du métier de chargé de communication"},
		[]string{"la rédaction d'un article pour le site", "la réalisation d'une affiche pour un événement",
			"la préparation des publications sur les réseaux sociaux", "la prise de photos lors d'une animation",
			"la relecture d'une lettre d'information"}}
}

func jobEnseignement() jobTemplate {
	return jobTemplate{secEnseignement, []string{"Animer et transmettre : découverte de l'enseignement", "Aide aux devoirs et ateliers éducatifs"},
		[]string{"la préparation d'un atelier pour les enfants", "l'accompagnement de l'aide aux devoirs",
			"l'observation d'une séance d'animation pédagogique", "la conception d'un petit jeu éducatif",
			"le bilan de la séance avec l'équipe"}}
}

func jobMaintenance() jobTemplate {
	return jobTemplate{secMaintenance, []string{"Technicien de maintenance des équipements", "Maintenance des bâtiments et des installations"},
		[]string{"la tournée de contrôle des installations", "le remplacement d'un éclairage ou d'une pièce usée",
			"le diagnostic d'une panne avec le technicien", "la tenue du carnet d'entretien",
			"les règles de sécurité électrique"}}
}

func jobInformatique() jobTemplate {
	return jobTemplate{secInformatique, []string{"Découverte des métiers de l'informatique", "Assistance informatique et réseaux"},
		[]string{"l'installation et la configuration d'ordinateurs", "le dépannage des postes des usagers",
			"le câblage et le test d'un petit réseau", "la sauvegarde et la protection des données",
			"l'aide aux usagers sur les outils numériques"}}
}

func jobElectronique() jobTemplate {
	return jobTemplate{secElectronique, []string{"Réparation d'appareils électroniques", "Découverte de l'électronique"},
		[]string{"le diagnostic d'un appareil en panne", "la soudure d'un composant avec le réparateur",
			"le test de sécurité avant la remise en vente", "la lecture d'un schéma électronique",
			"le tri des pièces détachées récupérables"}}
}

func jobMecanique() jobTemplate {
	return jobTemplate{secMecanique, []string{"Mécanique à l'atelier", "Découverte du métier de mécanicien"},
		[]string{"le démontage et le nettoyage de pièces", "le réglage des freins et de la transmission",
			"le diagnostic d'une panne avec le mécanicien", "l'entretien des outils de l'atelier",
			"la commande de pièces détachées"}}
}

func jobAudiovisuel() jobTemplate {
	return jobTemplate{secAudiovisuel, []string{"Tournage et montage vidéo", "Découverte des métiers du son et de l'image"},
		[]string{"la préparation d'un tournage", "la prise de son et d'images", "le montage d'un court reportage",
			"l'enregistrement d'une émission ou d'un podcast", "la mise en ligne d'une vidéo"}}
}

func jobMarketing() jobTemplate {
	return jobTemplate{secMarketing, []string{"Découverte du marketing et de la publicité", "Faire connaître une structure : marketing"},
		[]string{"l'analyse des attentes des clients ou adhérents", "la conception d'une campagne d'affichage",
			"la préparation d'un questionnaire de satisfaction", "le suivi des résultats d'une publicité en ligne",
			"la création d'un flyer avec le graphiste"}}
}

func jobDroit() jobTemplate {
	return jobTemplate{secDroit, []string{"Accès au droit : accueil et orientation", "Découverte des métiers du droit"},
		[]string{"l'accueil des personnes qui ont une question juridique", "la préparation d'un dossier administratif",
			"l'observation d'une permanence avec un juriste", "la recherche d'un texte de loi", "le classement des dossiers"}}
}

func jobTraduction() jobTemplate {
	return jobTemplate{secTraduction, []string{"Accueil multilingue et interprétariat", "Découverte de la traduction"},
		[]string{"l'accueil de personnes qui ne parlent pas français", "la traduction d'un document d'information",
			"l'observation d'un entretien avec un interprète", "la création d'un lexique en plusieurs langues"}}
}

func jobGestion() jobTemplate {
	return jobTemplate{secGestion, []string{"Gestion, comptabilité et ressources humaines", "Découverte des métiers de la gestion"},
		[]string{"la saisie des factures et le suivi des paiements", "la préparation des plannings de l'équipe",
			"le classement des dossiers du personnel", "la préparation d'un budget simple", "l'organisation d'un recrutement"}}
}

func jobArtDesign() jobTemplate {
	return jobTemplate{secArtDesign, []string{"Atelier d'art et de design", "Découverte du graphisme et du design"},
		[]string{"la réalisation de croquis et de maquettes", "la préparation d'un atelier de création",
			"le choix des couleurs et des matières", "la fabrication d'un objet ou d'un décor", "la présentation d'un projet"}}
}

func jobArtisanat() jobTemplate {
	return jobTemplate{secArtisanat, []string{"Découverte d'un métier d'art", "À l'établi avec un artisan d'art"},
		[]string{"l'observation des gestes de l'artisan", "la préparation des outils et des matériaux",
			"la restauration d'un objet abîmé", "la réalisation d'un petit objet", "la présentation des pièces finies"}}
}

func jobBTP() jobTemplate {
	return jobTemplate{secBTP, []string{"Sur un chantier du bâtiment", "Découverte des métiers du BTP"},
		[]string{"la visite d'un chantier avec le chef d'équipe", "les règles de sécurité et les équipements de protection",
			"la lecture d'un plan", "la préparation des matériaux", "la petite maçonnerie et la peinture"}}
}

func jobBois() jobTemplate {
	return jobTemplate{secBois, []string{"Menuiserie et travail du bois", "Découverte des métiers du bois"},
		[]string{"le choix et la découpe du bois", "l'assemblage d'un meuble", "le ponçage et la finition",
			"la remise en état d'un meuble donné", "l'entretien des machines de l'atelier"}}
}

func jobHotellerie() jobTemplate {
	return jobTemplate{secHotellerie, []string{"En cuisine et en salle", "Découverte des métiers de la restauration"},
		[]string{"la préparation des entrées et des desserts", "les règles d'hygiène en cuisine", "la mise en place de la salle",
			"le service des repas", "la plonge et le rangement"}}
}

func jobAlimentaire() jobTemplate {
	return jobTemplate{secAlimentaire, []string{"Transformation des aliments", "Découverte de l'industrie alimentaire"},
		[]string{"la préparation de produits en grande quantité", "le contrôle des températures et de la traçabilité",
			"le conditionnement et l'étiquetage", "la lutte contre le gaspillage alimentaire"}}
}

func jobCulture() jobTemplate {
	return jobTemplate{secCulture, []string{"Culture et patrimoine : les coulisses", "Découverte des métiers du patrimoine"},
		[]string{"l'inventaire et la conservation des collections", "la préparation d'une exposition",
			"l'accueil et la médiation avec les visiteurs", "la recherche sur l'histoire d'un objet", "la préparation d'une visite guidée"}}
}

func jobParamedical() jobTemplate {
	return jobTemplate{secParamedical, []string{"Découverte des métiers du soin", "Auxiliaire de soins : une semaine d'observation"},
		[]string{"l'accueil des patients ou des familles", "l'observation des soins d'hygiène et de confort",
			"la préparation du matériel de soin", "les gestes de prévention", "la transmission d'informations à l'équipe"}}
}

func jobMedical() jobTemplate {
	return jobTemplate{secMedical, []string{"Découverte des métiers de la santé", "Une semaine en centre de santé"},
		[]string{"l'accueil et l'orientation des patients", "l'observation d'une consultation avec l'accord du patient",
			"la préparation d'une séance de vaccination", "la gestion des dossiers médicaux", "une action de prévention santé"}}
}

func jobSecurite() jobTemplate {
	return jobTemplate{secSecurite, []string{"Sécurité et prévention", "Découverte des métiers de la sécurité"},
		[]string{"une ronde de surveillance avec un agent", "la vérification des équipements de sécurité incendie",
			"la médiation lors d'un petit conflit", "la rédaction d'un rapport d'intervention", "une action de prévention"}}
}

func jobTourisme() jobTemplate {
	return jobTemplate{secTourisme, []string{"Accueil des visiteurs et tourisme", "Découverte des métiers du tourisme"},
		[]string{"l'accueil et l'information des visiteurs", "la préparation d'un itinéraire de visite",
			"la mise à jour de la documentation touristique", "l'accueil d'un groupe", "la vente de billets"}}
}

func jobEnergie() jobTemplate {
	return jobTemplate{secEnergie, []string{"Économies d'énergie et rénovation", "Découverte des métiers de l'énergie"},
		[]string{"le relevé des compteurs et le suivi des consommations", "la visite d'une chaufferie",
			"la mesure des pertes de chaleur d'un bâtiment", "le conseil aux habitants pour économiser l'énergie",
			"la présentation des panneaux solaires"}}
}

func jobConstruction(titles ...string) jobTemplate {
	return jobTemplate{secConstruction, titles,
		[]string{"la lecture d'un plan de construction", "l'assemblage de pièces avec les bénévoles",
			"l'entretien d'une coque ou d'un châssis", "les essais et les réglages", "la sécurité à l'atelier"}}
}

func jobArmee() jobTemplate {
	return jobTemplate{secArmee, []string{"Mémoire, citoyenneté et défense", "Découverte des métiers de la défense"},
		[]string{"la préparation d'une cérémonie commémorative", "le recensement citoyen des jeunes de 16 ans",
			"la rencontre avec le correspondant défense", "la recherche sur l'histoire d'un monument aux morts",
			"la présentation des métiers des armées"}}
}

func jobSpectacle() jobTemplate {
	return jobTemplate{secSpectacle, []string{"Dans les coulisses du spectacle", "Découverte des arts du spectacle"},
		[]string{"une répétition avec les artistes", "le montage du décor et des lumières avec le régisseur",
			"la préparation des costumes", "l'accueil du public un soir de représentation", "la préparation d'une tournée"}}
}
