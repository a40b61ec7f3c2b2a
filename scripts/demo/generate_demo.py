#!/usr/bin/env python3
"""Builds the demo territory of Tremplin: crates/tremplin/demo/{territoire.toml,cfa.csv,
entreprises.csv,offres.csv}.

Everything about the companies is invented (names, people, SIRETs, phones, e-mails,
addresses); the communes, EPCIs, training centres and ROME codes are real. Commune and EPCI
codes are never typed here: they are looked up by name in the npm package
@etalab/decoupage-administratif (the same 6.0.0 release as crates/referentiels/data), and the
script stops if a name is unknown or outside the territory.

Usage (Python standard library only):

    npm install --prefix /tmp/demo-work @etalab/decoupage-administratif @socialgouv/codes-naf
    python3 scripts/demo/generate_demo.py \
        --etalab /tmp/demo-work/node_modules/@etalab/decoupage-administratif/data \
        --naf /tmp/demo-work/node_modules/@socialgouv/codes-naf/index.json
    python3 scripts/demo/check_demo.py --etalab ...same dir...

The output is deterministic (SIRETs come from a seeded generator).
"""

import argparse
import csv
import json
import random
import re
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OUT = ROOT / "crates" / "tremplin" / "demo"

# ---------------------------------------------------------------------------------------
# Territory
# ---------------------------------------------------------------------------------------

# EPCI names as spelled in @etalab/decoupage-administratif (epci.json). Together they are
# exactly the arrondissement of Mortagne-au-Perche (613), "from Gacé to Ceton".
EPCI_NAMES = [
    "CC des Pays de L'Aigle",
    "CC des Vallées d'Auge et du Merlerault",
    "CC du Pays de Mortagne-au-Perche",
    "CC Coeur du Perche",
    "CC des Hauts du Perche",
    "CC des Collines du Perche Normand",
]

TERRITOIRE = {
    "name": "Mission Locale de L'Aigle-Mortagne",
    "short_name": "ML L'Aigle-Mortagne",
    "publication_weekday": "jeudi",
    "publication_time": "09:00",
    "contact_email": "contact@ml-aigle-mortagne.example",
    "street": "8 rue des Essais",
    "commune": "L'Aigle",
}

# ---------------------------------------------------------------------------------------
# Training centres (real ones, named in shared/docs/regles-apprentissage.md). Diploma lists
# are plausible for their trades, not copied from their catalogues.
# ---------------------------------------------------------------------------------------

CFA = {
    "3IFA": ("3IFA – campus d'Alençon", "Alençon", [
        "CAP Boulanger", "BP Boulanger", "CAP Pâtissier", "CAP Boucher", "BP Boucher",
        "CAP Charcutier-traiteur", "CAP Cuisine", "BP Arts de la cuisine",
        "CAP Commercialisation et services en hôtel-café-restaurant",
        "Bac pro Commercialisation et services en restauration",
        "CAP Métiers de la coiffure", "BP Coiffure",
        "CAP Équipier polyvalent du commerce", "Bac pro Métiers du commerce et de la vente",
        "CAP Maintenance des véhicules option A voitures particulières",
        "Bac pro Maintenance des véhicules option A voitures particulières",
        "CAP Maintenance des matériels option A matériels agricoles",
        "Bac pro Maintenance des matériels option A matériels agricoles",
    ]),
    "BAT": ("Bâtiment CFA Normandie – Alençon", "Alençon", [
        "CAP Maçon", "BP Maçon", "CAP Électricien", "BP Électricien",
        "Bac pro Métiers de l'électricité et de ses environnements connectés",
        "CAP Monteur en installations thermiques", "CAP Monteur en installations sanitaires",
        "Bac pro Installateur en chauffage, climatisation et énergies renouvelables",
        "BTS Fluides, énergies, domotique",
        "CAP Couvreur", "CAP Menuisier fabricant", "CAP Menuisier installateur", "BP Menuisier",
        "CAP Peintre applicateur de revêtements",
    ]),
    "ETP": ("École des Travaux Publics – Alençon", "Alençon", [
        "CAP Constructeur de routes et d'aménagements urbains",
        "CAP Conducteur d'engins : travaux publics et carrières",
        "CAP Constructeur de réseaux de canalisations de travaux publics",
        "Bac pro Travaux publics",
    ]),
    "SEES": ("CFA-CFPPA agricole de Sées", "Sées", [
        "CAPa Métiers de l'agriculture", "CAPa Palefrenier soigneur", "CAPa Travaux forestiers",
        "Bac pro Conduite et gestion de l'entreprise agricole", "Bac pro Agroéquipement",
        "Bac pro Forêt",
        "BPREA (brevet professionnel responsable d'entreprise agricole)",
        "CS Tracteurs et machines agricoles : utilisation et maintenance",
        "BTSA Productions animales",
        "BTSA Analyse, conduite et stratégie de l'entreprise agricole",
    ]),
    "MFRAT": ("MFR Argentan-Trun", "Trun", [
        "CAP Accompagnant éducatif petite enfance",
        "Bac pro Accompagnement, soins et services à la personne",
        "Titre professionnel Assistant de vie aux familles",
        "DEAES (diplôme d'État d'accompagnant éducatif et social)",
    ]),
    "MFRCBE": ("MFR de Cerisy-Belle-Étoile", "Cerisy-Belle-Étoile", [
        "CAPa Jardinier paysagiste", "Bac pro Aménagements paysagers",
        "BP Aménagements paysagers", "BTSA Aménagements paysagers",
    ]),
    "IFAS": ("IFAS du centre hospitalier de Mortagne-au-Perche", "Mortagne-au-Perche", [
        "DEAS (diplôme d'État d'aide-soignant)",
    ]),
    "BTPLM": ("CFA BTP du Mans", "Le Mans", [
        "CAP Maçon", "BP Maçon", "CAP Couvreur", "BP Couvreur", "CAP Charpentier bois",
        "CAP Électricien", "CAP Monteur en installations thermiques", "CAP Menuisier fabricant",
    ]),
    "CCILM": ("CFA de la CCI du Mans", "Le Mans", [
        "Bac pro Métiers du commerce et de la vente",
        "BTS Management commercial opérationnel",
        "Licence professionnelle Commerce et distribution",
        "BTS Maintenance des systèmes option A systèmes de production",
        "Bac pro Maintenance des systèmes de production connectés",
        "Licence professionnelle Maintenance et technologie : systèmes pluritechniques",
        "CAP Réalisations industrielles en chaudronnerie ou soudage",
        "Titre professionnel Soudeur assembleur industriel",
        "CAP Opérateur/Opératrice logistique",
        "Titre professionnel Préparateur de commandes en entrepôt",
    ]),
}

# ---------------------------------------------------------------------------------------
# Companies: all invented. key: (name, NAF, commune, street, contact, role, domain,
# recruiting mailbox?)
# ---------------------------------------------------------------------------------------

COMPANIES = {
    "four": ("Boulangerie du Four Fictif", "10.71C", "L'Aigle", "14 rue des Tilleuls", "Martine Lefèvre", "Gérante", "four-fictif.example", False),
    "garage": ("Garage des Essais", "45.20A", "L'Aigle", "3 route de l'Essai", "Didier Marchand", "Chef d'atelier", "garage-des-essais.example", False),
    "aiguilles": ("Aiguilles et Ressorts de l'Exemple", "25.93Z", "L'Aigle", "2 allée des Tréfileurs, zone d'activités des Forges", "Sandrine Roussel", "Responsable des ressources humaines", "aiguilles-exemple.example", True),
    "panier": ("Supermarché du Panier Témoin", "47.11D", "L'Aigle", "45 avenue des Cerisiers", "Olivier Besnard", "Directeur du magasin", "panier-temoin.example", True),
    "ciseaux": ("Salon des Ciseaux Fictifs", "96.02A", "L'Aigle", "7 place des Peignes", "Laetitia Hamel", "Gérante", "ciseaux-fictifs.example", False),
    "miroir": ("Institut du Miroir d'Essai", "96.02B", "L'Aigle", "22 rue des Lilas", "Clémence Vallée", "Esthéticienne, gérante", "miroir-essai.example", False),
    "volt": ("Électricité du Volt Imaginaire", "43.21A", "Saint-Sulpice-sur-Risle", "5 chemin des Prés", "Jérôme Duval", "Artisan électricien", "volt-imaginaire.example", False),
    "pierre": ("Maçonnerie de la Pierre d'Exemple", "43.99C", "Rai", "18 rue du Moulin Neuf", "Patrick Lebrun", "Chef d'entreprise", "pierre-exemple.example", False),
    "batir": ("Bâtir Comme l'Exemple", "41.20A", "Ceton", "20 route des Collines", "Alain Gervais", "Maçon, gérant", "batir-exemple.example", False),
    "ardoises": ("Couverture des Ardoises Fictives", "43.91B", "Bellême", "9 rue des Ardoisiers", "Thierry Gaudin", "Couvreur, gérant", "ardoises-fictives.example", False),
    "atelier": ("Menuiserie de l'Atelier Témoin", "16.23Z", "Tourouvre au Perche", "4 rue des Copeaux", "Benoît Lemaître", "Gérant", "atelier-temoin.example", False),
    "thermique": ("Thermique et Sanitaire des Essais", "43.22B", "Mortagne-au-Perche", "12 rue du Four à Chaux", "Stéphane Pichon", "Chef d'entreprise", "thermique-essais.example", False),
    "robinet": ("Plomberie du Robinet Fictif", "43.22A", "Gacé", "2 impasse des Sources", "Franck Morel", "Artisan plombier", "robinet-fictif.example", False),
    "pommiers": ("EHPAD Résidence des Pommiers d'Exemple", "87.10A", "Mortagne-au-Perche", "30 rue des Vergers", "Nathalie Guérin", "Cadre de santé", "pommiers-exemple.example", True),
    "clos": ("EHPAD Le Clos des Essais", "87.10A", "Gacé", "6 avenue des Marronniers", "Isabelle Fouquet", "Directrice", "clos-des-essais.example", True),
    "vallon": ("EHPAD du Vallon Fictif", "87.10A", "Longny les Villages", "1 rue des Églantiers", "Carole Brunet", "Infirmière coordinatrice", "vallon-fictif.example", True),
    "aidedom": ("Aide à Domicile du Perche Témoin", "88.10A", "Bellême", "11 rue des Bouleaux", "Véronique Launay", "Responsable de secteur", "aide-perche-temoin.example", False),
    "petitsessais": ("Micro-crèche Les Petits Essais", "88.91A", "Rémalard en Perche", "3 rue des Écoliers", "Aurélie Cordier", "Référente technique", "petits-essais.example", False),
    "doudous": ("Crèche Les Doudous Fictifs", "88.91A", "L'Aigle", "16 rue des Capucines", "Sophie Marie", "Directrice", "doudous-fictifs.example", False),
    "pres": ("Ferme des Prés Témoins", "01.41Z", "Sap-en-Auge", "Lieu-dit Le Pré Témoin", "Hervé Lecomte", "Exploitant", "pres-temoins.example", False),
    "bocage": ("GAEC du Bocage Imaginaire", "01.41Z", "Camembert", "Lieu-dit La Haie Imaginaire", "Julien Piel", "Associé", "bocage-imaginaire.example", False),
    "champs": ("EARL des Champs d'Essai", "01.50Z", "Moulins-la-Marche", "Lieu-dit Les Grandes Pièces", "Gilles Tessier", "Exploitant", "champs-essai.example", False),
    "haras": ("Haras du Percheron Fictif", "01.43Z", "Saint-Germain-de-la-Coudre", "Lieu-dit La Jumenterie", "Élodie Barré", "Éleveuse", "percheron-fictif.example", False),
    "volailles": ("Volailles du Perche Témoin", "01.47Z", "Pervenchères", "Lieu-dit La Basse-Cour", "Mickaël Renard", "Éleveur", "volailles-temoin.example", False),
    "eta": ("ETA des Sillons d'Essai", "01.61Z", "Perche en Nocé", "Lieu-dit Les Sillons, route de la Plaine", "Romain Guillard", "Gérant", "sillons-essai.example", False),
    "agrimach": ("Agri-Machines des Essais", "46.61Z", "Merlerault-le-Pin", "8 rue des Moissons, zone d'activités des Herbages", "Laurent Poirier", "Chef d'atelier", "agrimachines-essais.example", True),
    "tracteur": ("Atelier du Tracteur Fictif", "33.12Z", "Longny les Villages", "27 route des Forges", "Philippe Hardy", "Gérant", "tracteur-fictif.example", False),
    "retro": ("Garage du Rétroviseur d'Exemple", "45.20A", "Bellême", "40 route des Buttes", "Karim Benali", "Garagiste", "retroviseur-exemple.example", False),
    "hachoir": ("Boucherie-Charcuterie du Hachoir Fictif", "47.22Z", "Mortagne-au-Perche", "8 place des Tilleuls", "Pascal Lemonnier", "Artisan boucher", "hachoir-fictif.example", False),
    "etal": ("Boucherie de l'Étal d'Essai", "47.22Z", "Gacé", "19 rue de l'Étal", "Sébastien Huet", "Boucher, gérant", "etal-essai.example", False),
    "fournil": ("Boulangerie Au Fournil Témoin", "10.71C", "Rémalard en Perche", "4 rue du Pressoir", "Cécile Auvray", "Boulangère, gérante", "fournil-temoin.example", False),
    "mie": ("Boulangerie La Mie Imaginaire", "10.71C", "Moulins-la-Marche", "10 rue des Blés", "Arnaud Vasseur", "Artisan boulanger", "mie-imaginaire.example", False),
    "chou": ("Pâtisserie du Chou d'Exemple", "10.71D", "Bellême", "21 rue des Framboisiers", "Marion Delaunay", "Cheffe pâtissière", "chou-exemple.example", False),
    "pain": ("Boulangerie du Pain Témoin", "10.71C", "Tourouvre au Perche", "13 rue des Moulins", "Yannick Bouvier", "Artisan boulanger", "pain-temoin.example", False),
    "epi": ("Supérette de l'Épi Fictif", "47.11C", "Longny les Villages", "2 rue des Glaneurs", "Nadia Ferreira", "Gérante", "epi-fictif.example", False),
    "fourchette": ("Auberge de la Fourchette d'Essai", "56.10A", "Gacé", "25 rue des Pommiers", "Christophe Leroux", "Chef cuisinier, gérant", "fourchette-essai.example", False),
    "relais": ("Hôtel-Restaurant Le Relais Témoin", "55.10Z", "Mortagne-au-Perche", "5 rue des Diligences", "Valérie Costa", "Directrice", "relais-temoin.example", True),
    "table": ("Restaurant La Table Imaginaire", "56.10A", "Merlerault-le-Pin", "17 rue des Haras", "Guillaume Perrin", "Chef de cuisine", "table-imaginaire.example", False),
    "jardins": ("Jardins et Paysages de l'Exemple", "81.30Z", "Saint-Langis-lès-Mortagne", "Lieu-dit Les Charmilles", "Fabrice Langlois", "Paysagiste, gérant", "jardins-exemple.example", False),
    "rateau": ("Espaces Verts du Râteau Fictif", "81.30Z", "La Ferté-en-Ouche", "6 chemin des Haies", "David Marais", "Chef d'équipe", "rateau-fictif.example", False),
    "futaies": ("Exploitation Forestière des Futaies d'Essai", "02.20Z", "Tourouvre au Perche", "Lieu-dit La Coupe d'Essai", "Éric Moulin", "Gérant", "futaies-essai.example", False),
    "quai": ("Entrepôts du Quai Témoin", "52.10B", "Sainte-Gauburge-Sainte-Colombe", "1 rue des Palettes, zone d'activités de la Gare", "Samia Kaci", "Responsable d'exploitation", "quai-temoin.example", True),
    "fromagerie": ("Fromagerie du Pré Fictif", "10.51C", "Vimoutiers", "3 rue des Faisselles", "Bertrand Levillain", "Responsable maintenance", "pre-fictif.example", True),
    "etincelles": ("Métallerie des Étincelles d'Exemple", "25.11Z", "Aube", "9 rue de l'Enclume", "Jean-Marc Tison", "Gérant", "etincelles-exemple.example", False),
    "habitat": ("Habitat Services Témoin", "81.10Z", "Val-au-Perche", "15 rue des Artisans", "Sylvie Royer", "Responsable technique", "habitat-temoin.example", False),
}

# ---------------------------------------------------------------------------------------
# Offers. contact: e = e-mail, p = phone, u = apply link (letters combine).
# ---------------------------------------------------------------------------------------

OFFERS = []


def offer(co, title, rome, contract, level, diploma, start, months, positions, rqth, licence,
          cfa, contact, description, site=None, social=False):
    OFFERS.append(dict(co=co, title=title, rome=rome, contract=contract, level=level,
                       diploma=diploma, start=start, months=months, positions=positions,
                       rqth=rqth, licence=licence, cfa=cfa, contact=contact,
                       description=description, site=site, social=social))


A, P = "apprentissage", "professionnalisation"
DEAS = "DEAS (diplôme d'État d'aide-soignant)"
DEAES = "DEAES (diplôme d'État d'accompagnant éducatif et social)"
AEPE = "CAP Accompagnant éducatif petite enfance"
EPC = "CAP Équipier polyvalent du commerce"
CAPA = "CAPa Métiers de l'agriculture"
MV = "CAP Maintenance des véhicules option A voitures particulières"

# --- L'Aigle -----------------------------------------------------------------------------
offer("four", "Boulanger/Boulangère", "D1102", A, 3, "CAP Boulanger", "2027-09-01", 24, 1, False, False, "3IFA", "ep",
      "Au fournil d'une boulangerie artisanale du centre de L'Aigle, vous apprendrez à pétrir, façonner et cuire le pain de tradition, les pains spéciaux et les viennoiseries. "
      "Vous travaillerez aux côtés du patron et d'un ouvrier boulanger confirmé. "
      "La journée commence tôt, vers 4 h, et se termine en fin de matinée ; vous aurez deux jours de repos consécutifs. "
      "Nous cherchons une personne ponctuelle, curieuse et qui aime le travail manuel.")
offer("four", "Pâtissier/Pâtissière", "D1104", A, 3, "CAP Pâtissier", "", 24, 1, True, False, "3IFA", "ep",
      "Vous rejoindrez le laboratoire de pâtisserie de la boulangerie, où sont préparés chaque jour entremets, tartes aux fruits de saison et gâteaux de fête. "
      "Vous apprendrez les pâtes de base, les crèmes, le montage et la décoration, puis la préparation des commandes du week-end. "
      "Les horaires vont de 6 h à 13 h, avec un week-end sur deux travaillé. "
      "Le sens du détail, la propreté et l'envie d'apprendre comptent plus que l'expérience.")
offer("four", "Vendeur(se) en boulangerie", "D1106", A, 3, EPC, "2027-01-04", 24, 1, False, False, "3IFA", "e",
      "En boutique, vous accueillerez les clients, les conseillerez sur les pains et les gâteaux et tiendrez la caisse. "
      "Vous participerez à la mise en place de la vitrine dès l'ouverture à 6 h 45, au réassort et au nettoyage du magasin. "
      "Une vendeuse expérimentée vous formera aux produits et aux règles d'hygiène alimentaire. "
      "Sourire, politesse et rapidité sont appréciés ; le travail le dimanche matin fait partie du poste.")
offer("garage", "Mécanicien/Mécanicienne automobile", "I1604", A, 3, MV, "2027-09-01", 24, 2, False, False, "3IFA", "ep",
      "Garage indépendant de quatre personnes, nous entretenons et réparons des véhicules de toutes marques. "
      "Vous ferez les vidanges, le montage des pneus, le remplacement des freins et des amortisseurs, puis vous apprendrez peu à peu le diagnostic électronique. "
      "Les horaires sont de 8 h à 12 h et de 14 h à 18 h, du lundi au vendredi. "
      "Nous cherchons un ou une jeune qui aime comprendre comment les choses fonctionnent et qui prend soin du matériel.",
      social=True)
offer("garage", "Technicien(ne) de maintenance automobile", "I1604", A, 4, "Bac pro Maintenance des véhicules option A voitures particulières", "2027-08-30", 36, 1, True, True, "3IFA", "p",
      "Vous préparerez un bac pro en trois ans dans un atelier qui travaille beaucoup pour des agriculteurs et des artisans du secteur. "
      "Au programme : entretien périodique, diagnostic moteur, climatisation et préparation des véhicules au contrôle technique. "
      "Le permis B est demandé en cours de contrat pour les essais sur route et les déplacements chez les clients. "
      "Vous serez encadré·e par le chef d'atelier, qui a déjà formé plusieurs apprentis.")
offer("aiguilles", "Technicien(ne) de maintenance industrielle", "I1304", A, 5, "BTS Maintenance des systèmes option A systèmes de production", "2027-09-06", 24, 1, True, False, "CCILM", "ue",
      "Notre usine fabrique des aiguilles et de petits ressorts pour l'industrie et le secteur médical. "
      "Au sein d'un service maintenance de six techniciens, vous participerez aux dépannages sur les presses, les tours à commande numérique et les lignes d'assemblage. "
      "Vous prendrez en charge des opérations de maintenance préventive et aiderez à tenir à jour la GMAO. "
      "Le travail se fait en journée, avec une semaine d'astreinte par mois en deuxième année. "
      "Rigueur, goût pour la mécanique et l'électricité, et curiosité pour les automatismes sont attendus.")
offer("aiguilles", "Agent·e de maintenance industrielle", "I1310", A, 4, "Bac pro Maintenance des systèmes de production connectés", "", 36, 2, False, False, "CCILM", "ue",
      "Vous intégrerez l'équipe maintenance de l'atelier de tréfilage, qui tourne en deux équipes. "
      "Vous apprendrez à démonter et remonter des sous-ensembles mécaniques, à contrôler les niveaux et les graissages et à repérer les pannes électriques simples avec un technicien. "
      "Pendant la première année, vous travaillerez en horaires de journée. "
      "Le port des équipements de protection est obligatoire : nous attendons de la rigueur et le respect des consignes de sécurité.")
offer("aiguilles", "Soudeur/Soudeuse", "H2913", A, 3, "CAP Réalisations industrielles en chaudronnerie ou soudage", "2027-02-01", 24, 1, True, False, "CCILM", "ue",
      "Dans l'atelier qui fabrique nos outillages, vous apprendrez à souder à l'arc et au semi-automatique (MIG-MAG) des supports et des bâtis en acier. "
      "Vous lirez des plans simples, préparerez les pièces par découpe et meulage, puis contrôlerez vos soudures. "
      "Un soudeur expérimenté sera votre tuteur pendant les deux ans. "
      "Le poste peut être aménagé pour une personne reconnue travailleur handicapé.")
offer("panier", "Employé·e de libre-service", "D1507", A, 3, EPC, "2027-09-01", 24, 2, False, False, "3IFA", "ep",
      "Dans un supermarché de taille moyenne, vous mettrez en rayon les produits d'épicerie et de droguerie, vérifierez les dates et les étiquettes de prix et participerez aux inventaires. "
      "Vous apprendrez aussi à réceptionner les livraisons et à renseigner les clients dans les allées. "
      "Certains jours, la prise de poste est à 6 h pour préparer le magasin avant l'ouverture. "
      "Nous attendons de l'organisation, de l'endurance et un bon contact avec la clientèle.")
offer("panier", "Adjoint(e) au manager de rayon", "D1502", A, 6, "Licence professionnelle Commerce et distribution", "2027-09-06", 12, 1, False, False, "CCILM", "ue",
      "Titulaire d'un bac+2 en commerce, vous seconderez le manager du rayon frais (crèmerie, fromages, traiteur), qui encadre une équipe de cinq personnes. "
      "Vous apprendrez à passer les commandes, à suivre les ventes et la démarque, à construire les plannings et à mettre en place les opérations commerciales. "
      "En fin d'année, vous piloterez seul·e le rayon pendant les congés du manager. "
      "Aisance avec les chiffres et sens de l'animation d'équipe indispensables ; horaires en journée, un samedi sur deux.")
offer("ciseaux", "Coiffeur/Coiffeuse", "D1202", A, 3, "CAP Métiers de la coiffure", "2027-09-01", 24, 1, False, False, "3IFA", "ep",
      "Salon mixte de trois coiffeuses en centre-ville, nous accueillons une clientèle fidèle de tous âges. "
      "Vous commencerez par l'accueil, les shampoings et les soins, puis vous apprendrez les coupes, les couleurs et les brushings sur modèles et en salon. "
      "Le salon est ouvert du mardi au samedi. "
      "Une présentation soignée, le sens du contact et la patience sont essentiels.",
      social=True)
offer("ciseaux", "Coiffeur/Coiffeuse – brevet professionnel", "D1202", A, 4, "BP Coiffure", "", 24, 1, False, False, "3IFA", "p",
      "Titulaire d'un CAP Métiers de la coiffure, vous poursuivez vers le BP pour gagner en autonomie et, pourquoi pas, reprendre un jour un salon. "
      "Vous prendrez en charge vos propres clientes et clients en coupe, couleur, mèches et coiffures de cérémonie, et vous participerez à la gestion des stocks. "
      "Nous vous aiderons à préparer les épreuves pratiques sur modèles. "
      "Le samedi est travaillé, le lundi est libre.")
offer("ciseaux", "Coiffeur/Coiffeuse en reconversion", "D1202", P, 3, "CAP Métiers de la coiffure", "2027-03-01", 12, 1, False, False, "3IFA", "ep",
      "Vous avez plus de 26 ans ou vous changez de métier ? "
      "Ce contrat de professionnalisation vous permet de préparer le CAP en un an, au rythme d'une semaine en centre de formation pour trois semaines au salon. "
      "Vous apprendrez les techniques de coupe homme et femme, la couleur et le conseil. "
      "Une première expérience du contact avec le public est un plus.")
offer("miroir", "Esthéticien(ne)", "D1208", A, 3, "CAP Esthétique cosmétique parfumerie", "2027-09-01", 24, 1, False, False, "", "ep",
      "Notre institut propose soins du visage, épilations, manucure et modelages. "
      "Vous apprendrez les gestes techniques au contact de deux esthéticiennes diplômées, ainsi que la vente-conseil des produits et la tenue de l'agenda. "
      "Vous travaillerez du mardi au samedi, avec une fermeture à 19 h le jeudi. "
      "Nous attendons discrétion, douceur et une présentation soignée.")
offer("miroir", "Esthéticien(ne) – brevet professionnel", "D1208", A, 4, "BP Esthétique cosmétique parfumerie", "", 24, 1, False, False, "", "e",
      "Vous avez un CAP d'esthétique et voulez vous perfectionner ? "
      "Nous vous confierons progressivement les soins du corps, les soins du visage avec appareils et le maquillage de mariée. "
      "Vous participerez au choix des gammes de produits et à l'animation de la page de l'institut sur les réseaux sociaux. "
      "Sens de l'écoute et rigueur sur l'hygiène indispensables.",
      social=True)
offer("doudous", "Accompagnant·e éducatif petite enfance", "K1303", A, 3, AEPE, "2027-09-01", 24, 1, False, False, "MFRAT", "ue",
      "La crèche accueille trente enfants répartis en trois sections. "
      "En apprentissage, vous prendrez part aux soins quotidiens, à l'aménagement des espaces de jeu et à la préparation des goûters. "
      "Une auxiliaire de puériculture sera votre tutrice. "
      "Vous découvrirez le travail dans une équipe pluridisciplinaire et le projet pédagogique de la structure, centré sur la nature et le jeu libre.")
offer("doudous", "Agent·e auprès d'enfants en crèche", "K1303", P, 3, AEPE, "15/03/2027", 12, 1, False, False, "MFRAT", "e",
      "Vous avez déjà gardé des enfants ou travaillé dans l'animation et voulez obtenir le CAP AEPE ? "
      "Nous vous proposons un contrat de professionnalisation d'un an. "
      "Vous serez intégré·e à la section des moyens-grands et participerez aux temps d'accueil, de repas et de jeux. "
      "Nous cherchons une personne stable et disponible, capable de rassurer les enfants comme les parents.")

# --- Pays de L'Aigle, other communes ------------------------------------------------------
offer("volt", "Électricien/Électricienne", "F1602", A, 3, "CAP Électricien", "2027-09-01", 24, 1, False, False, "BAT", "ep",
      "Entreprise artisanale de cinq salariés, nous intervenons chez des particuliers et dans des exploitations agricoles pour la rénovation, le neuf et le dépannage. "
      "Vous apprendrez à tirer des câbles, poser des prises et des tableaux, et à respecter les normes de sécurité. "
      "Les chantiers sont répartis autour de L'Aigle : le départ se fait de l'atelier, en camionnette, à 7 h 45. "
      "Le permis B n'est pas demandé au départ, mais ce sera un vrai plus en fin de formation.")
offer("volt", "Électricien/Électricienne – brevet professionnel", "F1602", A, 4, "BP Électricien", "2027-09-01", 24, 1, False, True, "BAT", "e",
      "Après un CAP, vous rejoignez l'équipe pour préparer le brevet professionnel. "
      "Vous mènerez de petits chantiers en binôme : mise aux normes de maisons anciennes, raccordement de pompes à chaleur, bornes de recharge. "
      "Vous apprendrez à lire les schémas, à chiffrer le matériel et à réaliser les essais de mise en service. "
      "Le permis B est demandé car vous conduirez le véhicule de l'entreprise.")
offer("volt", "Électricien(ne) en bâtiment", "F1602", A, 4, "Bac pro Métiers de l'électricité et de ses environnements connectés", "2027-09-01", 36, 1, False, False, "BAT", "p",
      "Vous débuterez par le câblage en atelier et les saignées, puis vous participerez à l'installation de réseaux de communication, d'alarmes et d'éclairages extérieurs. "
      "Notre équipe prend le temps d'expliquer et de montrer. "
      "Les journées vont de 8 h à 17 h, le vendredi après-midi est libre. "
      "Il faut aimer le travail en hauteur et être à l'aise avec le calcul.")
offer("pierre", "Maçon/Maçonne", "F1703", A, 3, "CAP Maçon", "2027-09-01", 24, 2, False, False, "BAT", "ep",
      "Nous construisons des maisons et des extensions et restaurons des bâtiments anciens en pierre et en brique, nombreux dans le pays d'Ouche. "
      "Vous apprendrez à monter des murs en blocs, à couler des dalles, à poser des linteaux et à réaliser des enduits à la chaux. "
      "Le travail se fait dehors, par tous les temps, avec une équipe de quatre compagnons. "
      "Bonne condition physique et goût du travail d'équipe demandés.")
offer("pierre", "Maçon/Maçonne – brevet professionnel", "F1703", A, 4, "BP Maçon", "", 24, 1, False, True, "BAT", "p",
      "Vous êtes titulaire d'un CAP Maçon et souhaitez prendre des responsabilités. "
      "Vous organiserez le travail sur de petits chantiers, implanterez les ouvrages et lirez les plans d'exécution avec le chef d'équipe. "
      "Vous participerez aussi à la restauration de longères : reprise de murs, rejointoiement, pose de pierres de taille. "
      "Le permis B est nécessaire pour rejoindre les chantiers, parfois à 30 km.")
offer("rateau", "Agent·e d'entretien des espaces verts", "A1203", P, 4, "BP Aménagements paysagers", "2027-03-01", 18, 1, True, True, "MFRCBE", "e",
      "Notre entreprise entretient les espaces verts de communes, de campings et de résidences du pays d'Ouche. "
      "En contrat de professionnalisation, vous apprendrez la gestion différenciée, le désherbage sans produits chimiques, la taille douce et l'entretien des machines. "
      "Le permis B est exigé pour conduire le fourgon et sa remorque. "
      "Vous travaillerez en équipe de deux ou trois personnes.")
offer("etincelles", "Soudeur/Soudeuse", "H2913", P, 3, "Titre professionnel Soudeur assembleur industriel", "", 12, 1, True, False, "CCILM", "p",
      "Notre métallerie fabrique des charpentes métalliques, des escaliers, des garde-corps et des portails. "
      "En contrat de professionnalisation, vous apprendrez le soudage MIG-MAG et à l'électrode enrobée, la préparation des pièces, le pointage et le contrôle visuel des soudures. "
      "Travail en atelier de 7 h 30 à 16 h 30, vendredi après-midi libre. "
      "Débutant·e accepté·e si vous êtes motivé·e et habile de vos mains.")

# --- Vallées d'Auge et du Merlerault -------------------------------------------------------
offer("robinet", "Plombier/Plombière", "F1603", A, 3, "CAP Monteur en installations sanitaires", "", 24, 1, True, False, "BAT", "p",
      "Artisan installé à Gacé, je travaille seul et cherche mon premier apprenti ou ma première apprentie. "
      "Vous apprendrez à poser des salles de bains, des chauffe-eau et des réseaux d'évacuation, et à dépanner des fuites chez les particuliers. "
      "Les journées sont variées et l'on se déplace beaucoup dans le secteur. "
      "Il faut être ponctuel·le, soigneux·se chez les clients et motivé·e.")
offer("clos", "Aide-soignant·e", "J1501", A, 4, DEAS, "2027-09-06", 12, 1, False, False, "IFAS", "ep",
      "Notre résidence de soixante lits à Gacé recherche un apprenti ou une apprentie aide-soignant·e. "
      "Vous prendrez part aux soins d'hygiène et de confort, à l'aide aux repas et aux animations, avec les infirmières et les agents. "
      "Vous travaillerez en équipe de jour, avec quelques week-ends. "
      "Les transmissions se font sur tablette. "
      "Nous recherchons une personne douce, attentive et fiable.")
offer("clos", "Aide-soignant·e – unité de vie du Merlerault", "J1501", A, 4, DEAS, "04/01/2027", 12, 1, False, False, "IFAS", "ep",
      "Notre petite unité de vie de vingt-quatre résidents, au Merlerault, fonctionne comme une grande maison. "
      "Vous accompagnerez les résidents au quotidien : lever, toilette, repas, sorties au jardin. "
      "L'équipe est réduite, ce qui permet d'apprendre vite en étant bien encadré·e. "
      "Le site n'est pas desservi par les transports en commun : il faut un moyen de locomotion (vélo, scooter ou voiture).",
      site="Merlerault-le-Pin")
offer("etal", "Boucher/Bouchère", "D1101", A, 3, "CAP Boucher", "05/07/2027", 24, 1, False, False, "3IFA", "p",
      "Boucherie de bourg à Gacé, nous vendons aussi sur deux marchés dans la semaine. "
      "Vous apprendrez la découpe des carcasses, la préparation des viandes hachées et des brochettes, et la tenue de l'étal. "
      "Les jours de marché, le départ se fait à 6 h 30. "
      "Nous attendons une personne dynamique, souriante et qui aime le contact.",
      social=True)
offer("etal", "Boucher/Bouchère – brevet professionnel", "D1101", A, 4, "BP Boucher", "2027-09-01", 24, 1, False, False, "3IFA", "ep",
      "Pour un ou une titulaire du CAP, nous proposons de préparer le BP et d'apprendre à gérer une boucherie : achat des bêtes auprès des éleveurs, calcul des rendements, fixation des prix, organisation du travail. "
      "Vous seconderez le patron dans la gestion de la boutique et des commandes des restaurants. "
      "Horaires du mardi au samedi ; le lundi est libre.")
offer("fourchette", "Commis de cuisine", "G1602", A, 3, "CAP Cuisine", "2027-09-01", 24, 1, False, False, "3IFA", "ep",
      "Auberge de campagne de quarante couverts, nous cuisinons des produits normands : volailles, cidre, camembert, poissons de la côte. "
      "Vous apprendrez les bases : épluchage, découpe, fonds et sauces, cuissons, dressage des assiettes. "
      "Service le midi du mardi au dimanche et le soir du jeudi au samedi. "
      "Esprit d'équipe et résistance au rythme du coup de feu attendus.")
offer("fourchette", "Serveur/Serveuse", "G1803", A, 3, "CAP Commercialisation et services en hôtel-café-restaurant", "2027-09-01", 24, 1, False, False, "3IFA", "e",
      "En salle, vous apprendrez la mise en place, l'accueil, la prise de commande, le service à l'assiette et le conseil sur les cidres et les vins. "
      "Vous participerez aussi aux banquets du week-end. "
      "Une tenue correcte et le sourire sont indispensables ; la tenue de service est fournie. "
      "Horaires en coupure, avec deux jours de repos consécutifs.")
offer("pres", "Agent·e d'élevage laitier", "A1403", A, 3, CAPA, "2027-09-01", 24, 1, False, False, "SEES", "ep",
      "Exploitation laitière de quatre-vingt-dix vaches normandes au cœur du pays d'Auge, nous produisons du lait pour la fabrication de fromages AOP. "
      "Vous participerez à la traite du matin et du soir, à l'alimentation des animaux, aux soins des veaux et au paillage. "
      "La traite commence à 6 h ; un week-end sur deux est travaillé et compensé par des jours de repos. "
      "Nous recherchons une personne qui aime les animaux et n'a pas peur du travail en extérieur.")
offer("pres", "Ouvrier/Ouvrière agricole polyvalent(e)", "A1419", A, 4, "Bac pro Conduite et gestion de l'entreprise agricole", "", 36, 1, False, True, "SEES", "ep",
      "En plus du troupeau laitier, la ferme cultive cent vingt hectares de prairies, de maïs et de céréales. "
      "Vous apprendrez à conduire le tracteur, à réaliser les fenaisons et l'ensilage, et à suivre les résultats techniques de l'élevage. "
      "Le permis B est demandé pour rejoindre les parcelles éloignées. "
      "C'est un bon poste pour un ou une jeune qui pense s'installer un jour.")
offer("bocage", "Technicien(ne) d'élevage bovin", "A1407", A, 5, "BTSA Productions animales", "2027-09-06", 24, 1, False, False, "SEES", "e",
      "Notre GAEC de trois associés élève cent cinquante vaches laitières et leur suite, avec un robot de traite. "
      "Vous participerez au suivi de la reproduction, à l'alimentation, au bien-être animal et à l'analyse des données du robot. "
      "Vous serez associé·e aux décisions techniques et aux rendez-vous avec le conseiller d'élevage. "
      "Autonomie, sens de l'observation et intérêt pour les outils numériques attendus.")
offer("bocage", "Futur·e exploitant·e agricole", "A1416", P, 4, "BPREA (brevet professionnel responsable d'entreprise agricole)", "", 12, 1, True, False, "SEES", "p",
      "Vous avez un projet d'installation en agriculture ? "
      "Ce contrat de professionnalisation vous permet de préparer le BPREA en travaillant sur une ferme de polyculture-élevage. "
      "Vous participerez à tous les travaux, des soins aux animaux à l'entretien des haies et du matériel, et vous découvrirez la gestion économique de l'exploitation avec les associés. "
      "La motivation et la maturité du projet comptent plus que le diplôme d'origine.")
offer("agrimach", "Mécanicien(ne) agricole", "I1603", A, 3, "CAP Maintenance des matériels option A matériels agricoles", "2027-09-01", 24, 2, False, False, "3IFA", "ep",
      "Concessionnaire de matériel agricole, nous vendons et entretenons tracteurs, moissonneuses et outils pour les agriculteurs du pays d'Auge et du Merlerault. "
      "À l'atelier, vous apprendrez à faire les révisions, à remplacer les pièces d'usure, à réparer l'hydraulique et à préparer les machines neuves avant livraison. "
      "Vous serez encadré·e par le chef d'atelier et quatre mécaniciens. "
      "Un intérêt pour la mécanique et le monde agricole est attendu.")
offer("agrimach", "Mécanicien(ne) agricole – bac pro", "I1603", A, 4, "Bac pro Maintenance des matériels option A matériels agricoles", "2027-09-01", 36, 1, False, True, "3IFA", "ue",
      "Vous préparerez un bac pro en trois ans. "
      "Vous interviendrez à l'atelier puis, au fil de la formation, en dépannage chez les clients avec un technicien : diagnostic électronique, réglage des guidages GPS, circuits hydrauliques. "
      "Le permis B est demandé dès la deuxième année pour les interventions extérieures. "
      "Pendant la moisson, des astreintes le samedi sont possibles, toujours aux côtés d'un technicien confirmé.")
offer("table", "Commis de cuisine", "G1602", P, 3, "CAP Cuisine", "2027-02-15", 12, 1, False, False, "3IFA", "p",
      "Dans notre restaurant traditionnel du Merlerault, le chef cuisine des plats du jour avec les produits des fermes voisines. "
      "En contrat de professionnalisation, vous apprendrez à préparer les légumes, les viandes et les desserts, à suivre les fiches techniques et à tenir votre poste propre. "
      "Service le midi en semaine uniquement, plus quelques repas de groupe le samedi. "
      "Ce poste convient bien à une reconversion ou à une reprise d'activité.")
offer("quai", "Préparateur/Préparatrice de commandes", "N1103", P, 3, "Titre professionnel Préparateur de commandes en entrepôt", "", 9, 2, True, False, "CCILM", "ep",
      "Notre plateforme stocke et expédie des produits d'épicerie et des boissons pour des magasins de Normandie. "
      "Vous préparerez les commandes avec un terminal à commande vocale, contrôlerez les palettes et participerez aux inventaires. "
      "Vous serez formé·e à la conduite des chariots en vue du CACES R489. "
      "Horaires en équipes, de 5 h à 12 h 30 ou de 12 h 30 à 20 h, en alternance chaque semaine.")
offer("quai", "Magasinier/Magasinière cariste", "N1110", A, 3, "CAP Opérateur/Opératrice logistique", "2027-09-01", 24, 1, False, False, "CCILM", "ue",
      "Sur notre dépôt de Gacé, vous apprendrez à réceptionner les marchandises, à vérifier les bons de livraison, à ranger les produits et à préparer les expéditions. "
      "Vous utiliserez le logiciel de gestion des stocks et serez formé·e à la conduite du transpalette électrique, puis du chariot élévateur. "
      "Horaires de journée, du lundi au vendredi. "
      "Organisation et attention aux détails attendues.",
      site="Gacé")
offer("fromagerie", "Agent·e de maintenance industrielle", "I1310", A, 4, "Bac pro Maintenance des systèmes de production connectés", "2027-09-01", 36, 1, False, False, "CCILM", "ep",
      "Notre fromagerie fabrique des fromages à pâte molle au lait cru. "
      "Vous intégrerez l'équipe qui veille sur les cuves, les lignes de moulage, les convoyeurs et les installations de froid. "
      "Vous apprendrez la maintenance préventive, le dépannage mécanique et électrique, et les règles d'hygiène propres à l'agroalimentaire. "
      "Horaires en deux-huit à partir de la deuxième année. "
      "Rigueur et goût du travail en équipe attendus.")
offer("fromagerie", "Responsable maintenance adjoint(e)", "I1304", A, 6, "Licence professionnelle Maintenance et technologie : systèmes pluritechniques", "2027-09-13", 12, 1, False, True, "CCILM", "ue",
      "Titulaire d'un BTS ou d'un BUT en maintenance, vous seconderez pendant un an le responsable maintenance de la fromagerie. "
      "Vous piloterez un projet d'amélioration de la fiabilité d'une ligne de conditionnement, suivrez les indicateurs de pannes et participerez à la planification des arrêts techniques. "
      "Le permis B est nécessaire pour les déplacements chez les fournisseurs. "
      "Autonomie, sens de l'analyse et aisance relationnelle sont attendus.")

# --- Pays de Mortagne-au-Perche -----------------------------------------------------------
offer("thermique", "Plombier-chauffagiste/Plombière-chauffagiste", "F1603", A, 3, "CAP Monteur en installations thermiques", "2027-09-01", 24, 1, False, False, "BAT", "ep",
      "Nous installons et entretenons des chaudières, des poêles à granulés et des pompes à chaleur chez les particuliers du pays mortagnais. "
      "Vous apprendrez à poser des radiateurs, à braser et sertir le cuivre et le multicouche, et à mettre en service une installation. "
      "Vous serez en binôme avec un technicien. "
      "L'automne, très chargé, est consacré à l'entretien des chaudières.")
offer("thermique", "Technicien(ne) en génie climatique", "F1620", A, 5, "BTS Fluides, énergies, domotique", "2027-09-01", 24, 1, False, True, "BAT", "e",
      "Titulaire d'un bac pro ou d'un bac général ou technologique, vous préparerez le BTS en deux ans. "
      "En entreprise, vous participerez au dimensionnement et à la pose de pompes à chaleur, de chauffe-eau thermodynamiques et de planchers chauffants, puis aux réglages de mise en service. "
      "Vous apprendrez aussi à établir des devis et à expliquer les installations aux clients. "
      "Le permis B est demandé pour les visites techniques.")
offer("pommiers", "Aide-soignant·e", "J1501", A, 4, DEAS, "2027-09-06", 12, 2, False, False, "IFAS", "ue",
      "L'EHPAD accueille quatre-vingts résidents, dont une unité protégée pour personnes atteintes de la maladie d'Alzheimer. "
      "En apprentissage, vous accompagnerez les résidents dans les gestes de la vie quotidienne (toilette, repas, mobilité), observerez leur état de santé et transmettrez vos observations à l'équipe infirmière. "
      "Vous travaillerez de 7 h à 14 h 30 ou de 13 h 30 à 21 h, un week-end sur deux. "
      "La formation a lieu à l'IFAS de Mortagne, dans la même ville. "
      "Qualités attendues : bienveillance, patience et sens du travail en équipe.")
offer("pommiers", "Aide-soignant·e en reconversion", "J1501", P, 4, DEAS, "2027-01-04", 12, 1, True, False, "IFAS", "ue",
      "Vous êtes agent·e de service hospitalier ou vous souhaitez vous reconvertir dans le soin ? "
      "Ce contrat de professionnalisation vous permet de préparer le diplôme d'État d'aide-soignant tout en étant salarié·e de l'établissement. "
      "Vous alternerez les cours à l'IFAS et les stages dans nos unités. "
      "Une expérience auprès de personnes âgées est un atout ; les plannings tiennent compte des temps de formation.")
offer("pommiers", "Agent·e de maintenance des bâtiments", "I1203", P, 3, "Titre professionnel Agent de maintenance des bâtiments", "", 12, 1, True, False, "", "ep",
      "Au sein du service technique de l'EHPAD, vous assurerez les petits travaux d'entretien : peinture, plomberie et électricité de premier niveau, serrures, réparation du mobilier. "
      "Vous apprendrez aussi à suivre les contrôles de sécurité et à intervenir vite quand un résident a besoin d'aide dans sa chambre. "
      "Horaires de journée du lundi au vendredi. "
      "Nous attendons polyvalence, débrouillardise et respect des résidents.")
offer("pommiers", "Commis de cuisine", "G1602", A, 3, "CAP Cuisine", "2027-09-01", 24, 1, False, False, "3IFA", "ep",
      "La cuisine de l'établissement prépare chaque jour environ deux cents repas pour les résidents et le portage à domicile. "
      "Vous apprendrez la préparation des entrées et des desserts, les cuissons, les textures adaptées et les règles d'hygiène de la restauration collective. "
      "Horaires de 7 h à 15 h, un week-end sur trois. "
      "La cuisine travaille des produits frais, en lien avec des producteurs du Perche.")
offer("hachoir", "Boucher/Bouchère", "D1101", A, 3, "CAP Boucher", "2027-09-01", 24, 1, False, False, "3IFA", "ep",
      "Notre boucherie travaille le bœuf normand, le veau et l'agneau d'éleveurs du Perche. "
      "Vous apprendrez à désosser, parer et ficeler, à préparer les commandes et à présenter la vitrine. "
      "Vous serez aussi au contact des clients pour les conseiller. "
      "Horaires de 7 h à 12 h 30 et de 15 h à 19 h, du mardi au samedi. "
      "Hygiène irréprochable et sens du service attendus.")
offer("hachoir", "Charcutier-traiteur/Charcutière-traiteuse", "D1103", A, 3, "CAP Charcutier-traiteur", "2027-09-01", 24, 1, True, False, "3IFA", "ep",
      "Dans notre laboratoire, nous fabriquons boudins, andouillettes, pâtés, rillettes et plats cuisinés. "
      "Vous apprendrez les recettes de la maison, les cuissons, l'assaisonnement et les règles d'hygiène de la transformation de la viande. "
      "Vous préparerez aussi des buffets pour les fêtes de famille et les associations. "
      "Pas de travail de nuit : les journées vont de 7 h à 15 h. "
      "Nous recherchons une personne soigneuse et gourmande.")
offer("relais", "Cuisinier/Cuisinière", "G1609", A, 4, "BP Arts de la cuisine", "2027-09-01", 24, 1, False, False, "3IFA", "ue",
      "Hôtel-restaurant de vingt chambres au centre de Mortagne, nous proposons une cuisine de saison et un menu du terroir. "
      "Titulaire d'un CAP Cuisine, vous tiendrez un poste (entrées, garnitures ou desserts) et participerez à l'élaboration des cartes et au calcul des coûts. "
      "Le chef vous confiera peu à peu l'encadrement du commis. "
      "Horaires en coupure, fermeture le dimanche soir et le lundi.")
offer("relais", "Serveur/Serveuse", "G1803", A, 4, "Bac pro Commercialisation et services en restauration", "2027-09-01", 36, 1, False, False, "3IFA", "ue",
      "Vous préparerez un bac pro en trois ans entre le CFA et notre restaurant. "
      "Vous apprendrez le service en salle, le bar, la gestion des réservations et l'accueil des clients de l'hôtel, dont une partie vient de l'étranger : des bases d'anglais seront un plus. "
      "Certains jours, vous assurerez le petit-déjeuner à partir de 6 h 30. "
      "Sens de l'accueil et présentation soignée attendus.")
offer("jardins", "Jardinier/Jardinière paysagiste", "A1208", A, 3, "CAPa Jardinier paysagiste", "2027-09-01", 24, 2, False, False, "MFRCBE", "ep",
      "Nous créons et entretenons des jardins pour des particuliers, des gîtes et des communes autour de Mortagne. "
      "Vous apprendrez la taille des haies et des arbustes, la tonte, la plantation, la pose de clôtures et de petites maçonneries paysagères. "
      "Les chantiers se font dehors, par tous les temps, avec un chef d'équipe. "
      "Goût du végétal et bonne condition physique attendus.")
offer("jardins", "Paysagiste", "A1208", A, 4, "Bac pro Aménagements paysagers", "", 36, 1, False, True, "MFRCBE", "ep",
      "Vous préparerez le bac pro en trois ans et participerez aux chantiers de création : terrassement, allées en pierre, bassins, massifs et gazons. "
      "Vous apprendrez à utiliser la mini-pelle et le matériel motorisé en sécurité, et à reconnaître les végétaux. "
      "Le permis B est demandé car les chantiers sont dispersés dans le pays mortagnais. "
      "Nous privilégions la motivation à l'expérience.")
offer("volailles", "Agent·e d'élevage avicole", "A1403", A, 3, CAPA, "", 24, 1, True, False, "SEES", "p",
      "Nous élevons des poulets et des pintades en plein air sous label, dans quatre bâtiments mobiles. "
      "Vous participerez à la surveillance quotidienne des lots, à la distribution de l'aliment et de l'eau, et au nettoyage et à la désinfection des bâtiments entre deux lots. "
      "Vous apprendrez les règles de biosécurité. "
      "Le travail commence à 7 h, y compris certains week-ends, par roulement.")

# --- Cœur du Perche ---------------------------------------------------------------------------
offer("petitsessais", "Accompagnant·e éducatif petite enfance", "K1303", A, 3, AEPE, "2027-09-01", 24, 1, False, False, "MFRAT", "ep",
      "Notre micro-crèche accueille dix enfants de 10 semaines à 3 ans. "
      "Vous participerez aux repas, aux changes, aux siestes et aux activités d'éveil (peinture, motricité, comptines), sous la responsabilité de la référente technique. "
      "Vous apprendrez à observer le développement de chaque enfant et à échanger avec les parents. "
      "Horaires en roulement entre 7 h 30 et 18 h 30. "
      "Patience, douceur et bonne humeur indispensables.",
      social=True)
offer("fournil", "Boulanger/Boulangère", "D1102", A, 3, "CAP Boulanger", "2027-09-01", 24, 1, False, False, "3IFA", "ep",
      "Au Fournil Témoin, une partie du pain est cuite au feu de bois, avec des farines d'un moulin voisin. "
      "Vous apprendrez la fermentation sur levain, le façonnage des miches et des baguettes, et la cuisson au four à sole. "
      "La journée commence à 4 h et se termine vers 11 h, avec deux jours de repos. "
      "Curiosité, endurance et ponctualité attendues.")
offer("fournil", "Vendeur(se) en boulangerie", "D1106", A, 3, EPC, "", 24, 1, True, False, "3IFA", "p",
      "Vous accueillerez nos clients, dont beaucoup d'habitués, et servirez pains, viennoiseries et gâteaux. "
      "Vous apprendrez à tenir la caisse, à préparer les commandes des restaurants et des écoles, et à mettre en valeur la vitrine. "
      "Vous travaillerez un dimanche matin sur deux, le jour de plus forte affluence. "
      "Nous cherchons une personne accueillante et organisée.")
offer("eta", "Chauffeur/Chauffeuse d'engins agricoles", "A1101", A, 4, "Bac pro Agroéquipement", "2027-09-01", 36, 1, False, True, "SEES", "ep",
      "Notre entreprise de travaux agricoles réalise pour les exploitants du Perche les chantiers de semis, d'ensilage, de moisson et d'épandage. "
      "Vous apprendrez à conduire et à régler de gros matériels, à préparer les chantiers et à assurer l'entretien à l'atelier pendant l'hiver. "
      "Les saisons sont intenses, avec de longues journées l'été et l'automne, récupérées l'hiver. "
      "Le permis B est exigé pour les déplacements entre chantiers.")

# --- Hauts du Perche --------------------------------------------------------------------------
offer("atelier", "Menuisier/Menuisière", "H2206", A, 3, "CAP Menuisier fabricant", "2027-09-01", 24, 1, False, False, "BAT", "ep",
      "Dans notre atelier en lisière de la forêt du Perche, nous fabriquons escaliers, fenêtres et portes en chêne et en bois local. "
      "Vous apprendrez à débiter, usiner et assembler le bois sur machines traditionnelles et à commande numérique, puis à réaliser les finitions. "
      "Vous participerez de temps en temps à la pose chez les clients. "
      "Nous recherchons une personne soigneuse, attentive à la sécurité et qui aime le bois.")
offer("atelier", "Menuisier/Menuisière – brevet professionnel", "H2206", A, 4, "BP Menuisier", "2027-09-13", 24, 1, True, True, "BAT", "u",
      "Pour un ou une titulaire du CAP, ce brevet professionnel apprend à mener une fabrication de bout en bout : relevé de cotes chez le client, dessin, feuille de débit, réglage des machines et suivi de la pose. "
      "Vous travaillerez avec un menuisier qualifié et le gérant. "
      "Le permis B est indispensable pour les poses sur chantier. "
      "L'atelier est de plain-pied et nous adaptons les postes de travail si besoin.")
offer("pain", "Boulanger/Boulangère", "D1102", A, 3, "CAP Boulanger", "2026-12-01", 24, 1, True, False, "3IFA", "p",
      "Boulangerie de village à Tourouvre, nous livrons aussi le pain dans les communes voisines. "
      "Vous apprendrez toutes les étapes de la fabrication du pain et des viennoiseries avec le patron, qui a déjà formé de nombreux apprentis. "
      "La journée commence à 4 h et se termine à midi. "
      "Le poste peut être adapté à une personne en situation de handicap, après échange avec le médecin du travail.")
offer("futaies", "Bûcheron/Bûcheronne", "A1201", A, 3, "CAPa Travaux forestiers", "2027-09-01", 24, 1, False, False, "SEES", "ep",
      "Notre entreprise réalise des coupes d'éclaircie et d'exploitation dans les forêts publiques et privées du Perche. "
      "Vous apprendrez l'abattage et le façonnage à la tronçonneuse, le débroussaillage et l'entretien du matériel, toujours aux côtés d'un bûcheron expérimenté. "
      "Le départ se fait à 7 h depuis Tourouvre. "
      "Le travail est physique, dehors toute l'année ; les équipements de protection sont fournis et les règles de sécurité doivent être strictement respectées.")
offer("futaies", "Ouvrier/Ouvrière forestier(e)", "A1210", A, 4, "Bac pro Forêt", "2027-09-01", 36, 1, False, True, "SEES", "ep",
      "Basé·e sur nos chantiers du secteur de Longny, vous participerez aux travaux de sylviculture (plantations, dégagements, élagage), puis à l'exploitation et au débardage. "
      "Vous apprendrez aussi à repérer les arbres à couper, à lire un plan de coupe et à utiliser le GPS de chantier. "
      "Le permis B est indispensable pour rejoindre les parcelles, souvent isolées. "
      "Goût pour la nature, autonomie et prudence sont attendus.",
      site="Longny les Villages")
offer("vallon", "Aide-soignant·e", "J1501", A, 4, DEAS, "", 12, 1, True, False, "IFAS", "p",
      "À Longny-au-Perche, notre EHPAD de soixante-dix places veut former de futurs soignants du territoire. "
      "En alternance avec l'IFAS de Mortagne, vous participerez aux soins, aux repas et à la vie sociale des résidents. "
      "Nos tutrices sont formées à l'accompagnement des apprentis. "
      "Les horaires alternent matin et après-midi ; le trajet entre Longny et Mortagne peut se faire en covoiturage avec des collègues.")
offer("vallon", "Accompagnant·e éducatif et social", "K1306", A, 3, DEAES, "2027-09-01", 24, 1, False, False, "MFRAT", "ep",
      "Vous accompagnerez des résidents en perte d'autonomie dans les actes de la vie quotidienne et dans leurs activités : jeux de mémoire, jardinage, sorties au marché. "
      "Vous apprendrez à observer, à communiquer avec des personnes désorientées et à travailler avec les familles. "
      "Le poste est en journée, avec un week-end sur trois. "
      "Qualités attendues : empathie, créativité et calme.")
offer("tracteur", "Technicien(ne) en machinisme agricole", "I1603", A, 5, "BTS Techniques et services en matériels agricoles", "2027-09-06", 24, 1, False, True, "", "e",
      "Atelier de réparation de matériels agricoles et forestiers, nous travaillons pour de nombreuses exploitations et entreprises forestières du Perche. "
      "Vous prendrez en charge des diagnostics complexes (électronique embarquée, transmissions, hydraulique), l'organisation des interventions et le conseil aux clients. "
      "Vous apprendrez aussi à établir des devis. "
      "Le permis B est indispensable pour les interventions au champ et en forêt.")
offer("epi", "Employé·e de libre-service", "D1507", A, 3, EPC, "", 12, 1, False, False, "3IFA", "ep",
      "Notre supérette est le seul commerce alimentaire du bourg : on y vient autant pour les courses que pour prendre des nouvelles. "
      "Vous mettrez les produits en rayon, réceptionnerez les livraisons, tiendrez la caisse et préparerez les commandes à emporter. "
      "Le CAP en un an est possible si vous avez déjà un diplôme. "
      "Le magasin est ouvert de 8 h à 19 h avec une coupure, et fermé le lundi.")

# --- Moulins-la-Marche (Pays de L'Aigle) ---------------------------------------------------
offer("champs", "Ouvrier/Ouvrière agricole", "A1419", A, 3, CAPA, "2027-09-01", 24, 1, False, False, "SEES", "ep",
      "Sur notre exploitation de polyculture-élevage près de Moulins-la-Marche (bovins viande, céréales, colza), vous apprendrez les soins aux animaux, la surveillance des pâtures, la réparation des clôtures et l'entretien courant du matériel. "
      "Vous découvrirez les travaux de saison : semis, moisson, récolte du foin. "
      "Les horaires varient selon la saison, avec des journées plus longues l'été. "
      "Goût pour la nature et les animaux, et sens des responsabilités attendus.")
offer("champs", "Conducteur/Conductrice de matériel agricole", "A1101", A, 4, "CS Tracteurs et machines agricoles : utilisation et maintenance", "2026-12-01", 12, 1, False, True, "SEES", "ep",
      "Après un bac pro ou un CAPa agricole, ce certificat de spécialisation vous apprendra à conduire et à régler les tracteurs et les outils de l'exploitation : charrue, semoir, pulvérisateur, presse. "
      "Vous assurerez aussi l'entretien courant et les petites réparations à l'atelier. "
      "Le permis B est exigé ; la conduite d'ensembles agricoles sur route se fera d'abord accompagnée. "
      "Rigueur et respect des consignes de sécurité indispensables.")
offer("mie", "Boulanger/Boulangère – brevet professionnel", "D1102", A, 4, "BP Boulanger", "2027-09-01", 24, 1, False, False, "3IFA", "e",
      "Vous avez un CAP Boulanger et voulez aller plus loin. "
      "Dans notre boulangerie, vous apprendrez à conduire une fournée complète, à créer de nouvelles recettes (pains aux graines, pains de seigle, brioches) et à organiser la production. "
      "Après six mois, vous aurez la responsabilité du fournil le mardi, jour de repos du patron. "
      "La journée commence à 3 h 30.")

# --- Collines du Perche Normand -----------------------------------------------------------
offer("ardoises", "Couvreur/Couvreuse", "F1619", A, 3, "CAP Couvreur", "2027-09-01", 24, 1, False, False, "BTPLM", "ep",
      "Nous refaisons les toitures en tuiles plates et en ardoise des maisons percheronnes et posons des gouttières en zinc. "
      "Vous apprendrez à préparer les supports, à poser liteaux et tuiles, à façonner le zinc et à travailler en sécurité sur échafaudage. "
      "Il ne faut pas avoir le vertige ! "
      "Le CFA est au Mans, à moins d'une heure de route de Bellême.",
      social=True)
offer("aidedom", "Assistant(e) de vie aux familles", "K1302", P, 3, "Titre professionnel Assistant de vie aux familles", "", 12, 2, True, True, "MFRAT", "p",
      "Notre association intervient au domicile de personnes âgées et de familles dans tout le secteur de Bellême. "
      "Vous aiderez aux courses, aux repas, à l'entretien du logement et à la toilette simple, en lien avec les infirmiers libéraux. "
      "Le permis B et un véhicule sont indispensables : les kilomètres entre deux domiciles sont indemnisés. "
      "Vous serez accompagné·e par une tutrice et par la responsable de secteur ; les plannings sont établis une semaine à l'avance.")
offer("aidedom", "Accompagnant·e éducatif et social à domicile", "K1302", A, 3, DEAES, "2027-09-01", 24, 1, False, True, "MFRAT", "ep",
      "Depuis notre antenne de Val-au-Perche, vous interviendrez chez des personnes âgées et des adultes en situation de handicap qui vivent à domicile. "
      "Vous apprendrez à accompagner les gestes du quotidien, à encourager l'autonomie et à repérer les situations de fragilité. "
      "Le permis B est obligatoire car les domiciles sont éloignés les uns des autres. "
      "La formation alterne deux semaines à la MFR et trois semaines chez nous.",
      site="Val-au-Perche")
offer("retro", "Mécanicien/Mécanicienne automobile", "I1604", A, 3, MV, "", 24, 1, False, False, "3IFA", "p",
      "Garage de village, nous assurons l'entretien, la réparation et un peu de carrosserie légère pour une clientèle de particuliers. "
      "Vous apprendrez à changer freins, embrayages et kits de distribution, à faire les vidanges et à préparer les véhicules au contrôle technique. "
      "Ambiance familiale et patron disponible pour expliquer. "
      "Passez directement au garage ou appelez-nous.")
offer("chou", "Pâtissier/Pâtissière", "D1104", A, 3, "CAP Pâtissier", "2027-07-01", 24, 1, False, False, "3IFA", "ep",
      "Pâtisserie-chocolaterie à Bellême, nous travaillons les fruits du Perche, les pommes et le cidre. "
      "Vous apprendrez les entremets, les macarons, les chocolats de Noël et de Pâques et les pièces montées. "
      "Les week-ends et les périodes de fêtes sont les plus chargés : le repos est pris le lundi et le mardi. "
      "Nous recherchons une personne minutieuse et créative.",
      social=True)
offer("haras", "Palefrenier-soigneur/Palefrenière-soigneuse", "A1421", A, 3, "CAPa Palefrenier soigneur", "2027-09-01", 24, 1, False, False, "SEES", "ep",
      "Notre élevage fait naître chaque année une dizaine de poulains percherons. "
      "Vous apprendrez à nourrir et soigner les chevaux, à entretenir les boxes et les prés, à préparer les juments au poulinage et à manipuler les jeunes chevaux en sécurité. "
      "Vous participerez aussi aux concours d'élevage l'été. "
      "Il faut aimer les chevaux, être calme et accepter des horaires qui suivent le rythme des animaux.",
      social=True)
offer("batir", "Maçon/Maçonne", "F1703", A, 3, "CAP Maçon", "2027-09-01", 24, 1, True, False, "BTPLM", "ep",
      "Petite entreprise de maçonnerie du Perche, nous intervenons entre Ceton, Bellême et la Sarthe voisine. "
      "Vous apprendrez la maçonnerie traditionnelle et la pose de blocs béton, le ferraillage, le coffrage et les chapes. "
      "Le trajet vers les chantiers se fait avec le patron, au départ de Ceton à 7 h 30. "
      "Le CFA se trouve au Mans, à moins d'une heure de route.")
offer("habitat", "Agent·e de maintenance des bâtiments", "I1203", A, 3, "CAP Interventions en maintenance technique des bâtiments", "2027-09-01", 24, 1, False, True, "", "ep",
      "Notre entreprise entretient des logements locatifs, des gîtes et des locaux communaux dans le Perche. "
      "Vous apprendrez à réaliser de petits travaux de plomberie, d'électricité, de peinture, de menuiserie et de carrelage, ainsi que les états des lieux techniques. "
      "Les interventions se font en fourgon : le permis B est nécessaire. "
      "Nous recherchons une personne polyvalente, autonome et soigneuse.")
offer("habitat", "Agent·e de maintenance polyvalent(e)", "I1203", P, 3, "Titre professionnel Agent de maintenance des bâtiments", "01/04/2027", 12, 1, True, True, "", "e",
      "Pour notre secteur de Ceton et de Saint-Germain-de-la-Coudre, nous recherchons un agent ou une agente de maintenance en contrat de professionnalisation. "
      "Vous interviendrez dans des logements et des bâtiments publics : robinetterie, réparation de portes et de fenêtres, petits travaux de peinture et d'électricité. "
      "Le permis B est demandé. "
      "Cette offre convient à une personne en reconversion qui a déjà bricolé ou travaillé dans le bâtiment.",
      site="Ceton")


# ---------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------

def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def luhn_complete(prefix: str) -> str:
    """The prefix followed by the one digit that makes the whole Luhn-valid."""
    for d in "0123456789":
        if luhn_ok(prefix + d):
            return prefix + d
    raise AssertionError("unreachable")


def make_siret(rng: random.Random, used: set) -> str:
    while True:
        siren = luhn_complete(str(rng.randint(3, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(7)))
        if siren[:3] == "356":  # La Poste's SIREN family follows another rule
            continue
        siret = luhn_complete(siren + "0001")
        if siren not in used:
            used.add(siren)
            assert len(siret) == 14 and luhn_ok(siret) and luhn_ok(siren)
            return siret


def ascii_slug(text: str) -> str:
    t = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", t).strip("-")


def email_local(person: str) -> str:
    first, last = person.split(" ", 1)
    return f"{ascii_slug(first)[0]}.{ascii_slug(last).replace('-', '')}"


NBSP = "\u00a0"


def typeset(text: str) -> str:
    """French typography: no-break space before ; : ! ? and inside « »."""
    text = re.sub(r" ([;:!?])", NBSP + r"\1", text)
    text = text.replace("« ", "«" + NBSP).replace(" »", NBSP + "»")
    return text


def phone(i: int) -> str:
    # ARCEP range reserved for fiction: 02 61 91 xx xx.
    return f"02 61 91 {10 + i:02d} {(17 * i + 23) % 90 + 10:02d}"


# ---------------------------------------------------------------------------------------

def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--etalab", required=True, type=Path,
                    help="data/ folder of the npm package @etalab/decoupage-administratif")
    ap.add_argument("--naf", type=Path, help="index.json of the npm package @socialgouv/codes-naf (checks NAF codes)")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args()

    communes = [c for c in json.loads((args.etalab / "communes.json").read_text(encoding="utf-8"))
                if c.get("type") == "commune-actuelle"]
    epcis = json.loads((args.etalab / "epci.json").read_text(encoding="utf-8"))

    chosen = []
    for name in EPCI_NAMES:
        hits = [e for e in epcis if e["nom"] == name]
        if len(hits) != 1:
            sys.exit(f"EPCI not found exactly once: {name}")
        chosen.append(hits[0])
    territory = {m["code"] for e in chosen for m in e["membres"]}

    by_name = {}
    for c in communes:
        by_name.setdefault(c["nom"], []).append(c)

    def commune(name: str, in_territory: bool = True) -> dict:
        hits = by_name.get(name, [])
        if in_territory:
            hits = [c for c in hits if c["code"] in territory]
        if len(hits) != 1:
            sys.exit(f"commune not found exactly once{' in the territory' if in_territory else ''}: {name}")
        return hits[0]

    naf_codes = None
    if args.naf:
        naf_codes = {x["id"] for x in json.loads(args.naf.read_text(encoding="utf-8"))}

    out = args.out
    out.mkdir(parents=True, exist_ok=True)

    # territoire.toml
    aigle = commune(TERRITOIRE["commune"])
    address = f"{TERRITOIRE['street']}, {aigle['codesPostaux'][0]} {aigle['nom']}"
    epci_list = ", ".join(f'"{e["code"]}"' for e in chosen)
    epci_comment = "\n".join(f"#   {e['code']}  {e['nom']}" for e in chosen)
    (out / "territoire.toml").write_text(
        "# Demo territory: real EPCIs (from @etalab/decoupage-administratif 6.0.0), fictional address.\n"
        f"{epci_comment}\n"
        f'name = "{TERRITOIRE["name"]}"\n'
        f'short_name = "{TERRITOIRE["short_name"]}"\n'
        f"epcis = [{epci_list}]\n"
        f'publication_weekday = "{TERRITOIRE["publication_weekday"]}"\n'
        f'publication_time = "{TERRITOIRE["publication_time"]}"\n'
        f'contact_email = "{TERRITOIRE["contact_email"]}"\n'
        f'address = "{address}"\n',
        encoding="utf-8",
    )

    # cfa.csv
    with open(out / "cfa.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["name", "commune_code", "diplomas", "website"])
        for name, town, diplomas in CFA.values():
            w.writerow([name, commune(town, in_territory=False)["code"], "|".join(diplomas), ""])

    # entreprises.csv
    rng = random.Random(61300)
    used: set = set()
    company_rows = {}
    for i, (key, (name, naf, town, street, person, role, domain, _)) in enumerate(COMPANIES.items()):
        if naf_codes is not None and naf not in naf_codes:
            sys.exit(f"unknown NAF code {naf} for {name}")
        company_rows[key] = dict(
            siret=make_siret(rng, used), name=name, naf=naf, commune_code=commune(town)["code"],
            address=street, contact_name=person, contact_role=role, contact_phone=phone(i),
            contact_email=f"{email_local(person)}@{domain}",
        )
    with open(out / "entreprises.csv", "w", newline="", encoding="utf-8") as f:
        cols = ["siret", "name", "naf", "commune_code", "address", "contact_name", "contact_role",
                "contact_phone", "contact_email"]
        w = csv.DictWriter(f, fieldnames=cols, lineterminator="\n")
        w.writeheader()
        for row in company_rows.values():
            w.writerow(row)

    # offres.csv
    cfa_names = {k: v[0] for k, v in CFA.items()}
    cols = ["external_id", "title", "description", "rome_code", "company_name", "siret", "commune_code",
            "contract_type", "target_diploma_level", "diploma_label", "start_date", "duration_months",
            "positions", "rqth", "driving_licence", "cfa", "contact_email", "contact_phone", "apply_url",
            "source_url"]
    used_keys = set()
    with open(out / "offres.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=cols, lineterminator="\n")
        w.writeheader()
        for n, o in enumerate(OFFERS, start=1):
            ext = f"demo-{n:03d}"
            c = company_rows[o["co"]]
            used_keys.add(o["co"])
            _, _, _, _, _, _, domain, mailbox = COMPANIES[o["co"]]
            if o["cfa"] and o["diploma"] not in CFA[o["cfa"]][2]:
                sys.exit(f"{ext}: {o['diploma']} is not in the list of {cfa_names[o['cfa']]}")
            w.writerow({
                "external_id": ext,
                "title": o["title"],
                "description": typeset(o["description"]),
                "rome_code": o["rome"],
                "company_name": c["name"],
                "siret": c["siret"],
                "commune_code": commune(o["site"])["code"] if o["site"] else c["commune_code"],
                "contract_type": o["contract"],
                "target_diploma_level": o["level"],
                "diploma_label": o["diploma"],
                "start_date": o["start"],
                "duration_months": o["months"],
                "positions": o["positions"],
                "rqth": "oui" if o["rqth"] else "non",
                "driving_licence": "oui" if o["licence"] else "non",
                "cfa": cfa_names[o["cfa"]] if o["cfa"] else "",
                "contact_email": (f"recrutement@{domain}" if mailbox else c["contact_email"]) if "e" in o["contact"] else "",
                "contact_phone": c["contact_phone"] if "p" in o["contact"] else "",
                "apply_url": f"https://{domain}/candidature/{ext}" if "u" in o["contact"] else "",
                "source_url": f"https://reseau-social.example/{ascii_slug(c['name'])}/publications/{6100 + n}" if o["social"] else "",
            })
    unused = set(COMPANIES) - used_keys
    if unused:
        sys.exit(f"companies without offers: {sorted(unused)}")
    print(f"wrote {len(COMPANIES)} companies, {len(OFFERS)} offers, {len(CFA)} training centres to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
